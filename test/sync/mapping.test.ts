import fc from 'fast-check';
import { DEFAULT_MAPPING } from '../../src/sync/mappings/default-mapping';
import { parseMappingConfig } from '../../src/sync/mapping-config';
import {
  MappingValueError,
  readHubSpotProperties,
  writeHubSpotProperties,
  propertiesFor,
  propertiesToRead,
  validateMappingAgainstProperties,
  type PropertyDefinition,
} from '../../src/sync/mapping';
import { writesToHubSpot } from '../../src/sync/mapping-types';
import { normalizeForCompare } from '../../src/sync/transforms';
import { OBJECT_TYPES, type ObjectType } from '../../src/sync/object-types';

// The shape the apply reads: typed column values of mapped properties, the rest for the JSONB.
const columnsOf = (reading: ReturnType<typeof readHubSpotProperties>): Record<string, unknown> =>
  Object.fromEntries(reading.mapped.flatMap((m) => (m.local.ok ? [[m.field.column, m.local.value]] : [])));
// The shape the push sends: HubSpot property → wire value.
const wireOf = (values: ReturnType<typeof writeHubSpotProperties>): Record<string, string | null> =>
  Object.fromEntries(values.flatMap((v) => (v.ok ? [[v.field.hubspotProperty, v.wire]] : [])));

describe('readHubSpotProperties', () => {
  it('maps properties to typed columns, keeps the rest as unmapped, and reads last-modified', () => {
    const result = readHubSpotProperties(
      'deals',
      {
        dealname: 'Big one',
        amount: '1000.00',
        closedate: '2024-06-30T12:00:00Z',
        hubspot_owner_id: '',
        hs_lastmodifieddate: '1719748800000',
        hs_priority: 'high',
        hs_object_id: '42',
      },
      DEFAULT_MAPPING,
    );
    expect(columnsOf(result)).toEqual({
      name: 'Big one',
      amount: '1000',
      closeDate: new Date('2024-06-30T12:00:00Z'),
      ownerId: null,
    });
    expect(result.mapped.map((m) => m.wire)).toEqual(['Big one', '1000.00', '2024-06-30T12:00:00Z', '']);
    expect(result.unmapped).toEqual({ hs_priority: 'high', hs_object_id: '42' });
    expect(result.modifiedAt).toBe(1719748800000);
  });

  it('leaves out properties HubSpot did not send (a webhook carries one)', () => {
    const result = readHubSpotProperties('contacts', { firstname: 'Ada' }, DEFAULT_MAPPING);
    expect(columnsOf(result)).toEqual({ firstName: 'Ada' });
    expect(result.modifiedAt).toBeUndefined();
  });

  it('marks an unparsable mapped value instead of guessing', () => {
    const result = readHubSpotProperties('deals', { amount: 'about a million' }, DEFAULT_MAPPING);
    expect(result.mapped).toEqual([
      { field: expect.objectContaining({ column: 'amount' }), wire: 'about a million', local: { ok: false } },
    ]);
    expect(result.unmapped).toEqual({});
  });

  it('ignores properties of fields that only flow toHubSpot', () => {
    const mapping = parseMappingConfig({
      contacts: { fields: [{ column: 'phone', hubspotProperty: 'phone', direction: 'toHubSpot' }] },
    });
    expect(readHubSpotProperties('contacts', { phone: '123', city: 'Oslo' }, mapping)).toEqual({
      mapped: [],
      unmapped: { city: 'Oslo' },
    });
  });

  it('reads owners API fields', () => {
    const result = readHubSpotProperties(
      'owners',
      { email: 'o@x.io', firstName: 'O', lastName: 'W', userId: '77', updatedAt: '2024-01-01T00:00:00Z' },
      DEFAULT_MAPPING,
    );
    expect(columnsOf(result)).toEqual({ email: 'o@x.io', firstName: 'O', lastName: 'W', userId: '77' });
    expect(result.modifiedAt).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });
});

describe('writeHubSpotProperties', () => {
  const deal = {
    name: 'Big one',
    stage: 'won',
    pipeline: 'default',
    amount: '1000.50',
    closeDate: new Date('2024-06-30T12:00:00Z'),
    ownerId: null,
    properties: {},
  };

  it('produces HubSpot strings, "" to clear, and skips unmapped columns', () => {
    expect(wireOf(writeHubSpotProperties('deals', deal, DEFAULT_MAPPING))).toEqual({
      dealname: 'Big one',
      dealstage: 'won',
      pipeline: 'default',
      amount: '1000.5',
      closedate: '2024-06-30T12:00:00.000Z',
      hubspot_owner_id: '',
    });
  });

  it('restricts to the given columns; a mapped column absent from the row clears', () => {
    expect(wireOf(writeHubSpotProperties('deals', deal, DEFAULT_MAPPING, ['amount', 'properties', 'nope']))).toEqual({
      amount: '1000.5',
    });
    expect(
      wireOf(writeHubSpotProperties('contacts', { email: 'a@b.co' }, DEFAULT_MAPPING, ['email', 'phone'])),
    ).toEqual({ email: 'a@b.co', phone: '' });
  });

  it('never pushes fromHubSpot fields', () => {
    expect(writeHubSpotProperties('owners', { email: 'o@x.io', firstName: 'O' }, DEFAULT_MAPPING)).toEqual([]);
  });

  it('names column and property when a value cannot be sent', () => {
    const [amount] = writeHubSpotProperties('deals', { amount: 'lots' }, DEFAULT_MAPPING, ['amount']);
    expect(amount?.ok).toBe(false);
    const error = amount && !amount.ok ? amount.error : undefined;
    expect(error).toBeInstanceOf(MappingValueError);
    expect(error?.message).toBe('deals.amount → amount: value cannot be sent as a HubSpot decimal');
  });

  it('round-trips every default-mapped field: local → HubSpot → local compares equal', () => {
    const typeArb = fc.constantFrom<ObjectType>(...OBJECT_TYPES.filter((t) => t !== 'owners'));
    const valueFor = (transform: string): fc.Arbitrary<unknown> => {
      switch (transform) {
        case 'decimal':
          return fc
            .tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 99 }))
            .map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`);
        case 'datetime':
          return fc.integer({ min: 0, max: 4102444800000 }).map((ms) => new Date(ms));
        default:
          return fc.option(fc.string({ minLength: 1 }), { nil: null });
      }
    };
    fc.assert(
      fc.property(
        typeArb.chain((type) =>
          fc.tuple(
            fc.constant(type),
            fc.record(Object.fromEntries(DEFAULT_MAPPING[type].fields.map((f) => [f.column, valueFor(f.transform)]))),
          ),
        ),
        ([type, row]) => {
          const sent = wireOf(writeHubSpotProperties(type, row, DEFAULT_MAPPING));
          const back = columnsOf(readHubSpotProperties(type, sent, DEFAULT_MAPPING));
          // Read-only types' fields (products) are never sent, so they have no round trip.
          for (const field of DEFAULT_MAPPING[type].fields.filter(writesToHubSpot)) {
            expect(normalizeForCompare(field, back[field.column])).toBe(normalizeForCompare(field, row[field.column]));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('propertiesFor', () => {
  it('lists the mapped properties plus last-modified', () => {
    expect(propertiesFor('contacts', DEFAULT_MAPPING)).toEqual([
      'email',
      'firstname',
      'lastname',
      'phone',
      'jobtitle',
      'lifecyclestage',
      'hubspot_owner_id',
      'lastmodifieddate',
      'hs_merged_object_ids',
      'hubsync_local_id',
    ]);
  });
});

describe('propertiesToRead', () => {
  it('is every defined property plus the mapped ones the catalog does not list yet, sorted, each once', () => {
    const read = propertiesToRead('contacts', DEFAULT_MAPPING, ['zip', 'email', 'favorite_color']);
    expect(read).toEqual([...new Set([...propertiesFor('contacts', DEFAULT_MAPPING), 'zip', 'favorite_color'])].sort());
  });
});

describe('validateMappingAgainstProperties', () => {
  const defsFor = (
    type: ObjectType,
    overrides: Record<string, Partial<PropertyDefinition>> = {},
  ): PropertyDefinition[] => [
    ...DEFAULT_MAPPING[type].fields.map((f) => ({ name: f.hubspotProperty, ...overrides[f.hubspotProperty] })),
    { name: DEFAULT_MAPPING[type].lastModifiedProperty, modificationMetadata: { readOnlyValue: true } },
  ];
  const allDefs = (): Partial<Record<ObjectType, PropertyDefinition[]>> =>
    Object.fromEntries(OBJECT_TYPES.filter((t) => t !== 'owners').map((t) => [t, defsFor(t)]));

  it('accepts the default mapping against matching definitions (owners need none)', () => {
    expect(validateMappingAgainstProperties(DEFAULT_MAPPING, allDefs())).toEqual([]);
  });

  it('names unknown, read-only and calculated properties', () => {
    const defs = allDefs();
    defs.contacts = defsFor('contacts', { jobtitle: { modificationMetadata: { readOnlyValue: true } } }).filter(
      (d) => d.name !== 'phone',
    );
    defs.deals = defsFor('deals', { amount: { calculated: true } });
    const problems = validateMappingAgainstProperties(DEFAULT_MAPPING, defs);
    expect(problems.map((p) => [p.objectType, p.property])).toEqual([
      ['contacts', 'phone'],
      ['contacts', 'jobtitle'],
      ['deals', 'amount'],
    ]);
    expect(problems[1]?.message).toBe('contacts: property "jobtitle" is read-only but mapped both');
  });

  it('allows read-only properties that are only read', () => {
    const mapping = parseMappingConfig({
      deals: { fields: [{ column: 'amount', hubspotProperty: 'amount', direction: 'fromHubSpot' }] },
    });
    const defs = { ...allDefs(), deals: [{ name: 'amount', calculated: true }, { name: 'hs_lastmodifieddate' }] };
    expect(validateMappingAgainstProperties(mapping, defs)).toEqual([]);
  });

  it('complains when a synced type has no definitions at all', () => {
    const { tickets: _omit, ...defs } = allDefs();
    expect(validateMappingAgainstProperties(DEFAULT_MAPPING, defs)).toEqual([
      { objectType: 'tickets', message: 'no property definitions loaded for tickets' },
    ]);
  });
});
