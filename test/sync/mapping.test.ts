import fc from 'fast-check';
import { DEFAULT_MAPPING } from '../../src/sync/mappings/default-mapping';
import { parseMappingConfig } from '../../src/sync/mapping-config';
import {
  hubspotToLocal,
  localToHubSpot,
  MappingValueError,
  propertiesFor,
  validateMappingAgainstProperties,
  type PropertyDefinition,
} from '../../src/sync/mapping';
import { normalizeForCompare } from '../../src/sync/transforms';
import { OBJECT_TYPES, type ObjectType } from '../../src/sync/object-types';

describe('hubspotToLocal', () => {
  it('maps properties to typed columns, keeps the rest as extra, and reads last-modified', () => {
    const result = hubspotToLocal(
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
    expect(result.columns).toEqual({
      name: 'Big one',
      amount: '1000',
      closeDate: new Date('2024-06-30T12:00:00Z'),
      ownerId: null,
    });
    expect(result.extra).toEqual({ hs_priority: 'high', hs_object_id: '42' });
    expect(result.hubspotUpdatedAt).toEqual(new Date(1719748800000));
    expect(result.invalid).toEqual([]);
  });

  it('leaves out properties HubSpot did not send (a webhook carries one)', () => {
    const result = hubspotToLocal('contacts', { firstname: 'Ada' }, DEFAULT_MAPPING);
    expect(result.columns).toEqual({ firstName: 'Ada' });
    expect(result.hubspotUpdatedAt).toBeUndefined();
  });

  it('keeps an unparsable mapped value verbatim in extra and reports it', () => {
    const result = hubspotToLocal('deals', { amount: 'about a million' }, DEFAULT_MAPPING);
    expect(result.columns).toEqual({});
    expect(result.extra).toEqual({ amount: 'about a million' });
    expect(result.invalid).toEqual([{ property: 'amount', transform: 'decimal' }]);
  });

  it('ignores properties of fields that only flow toHubSpot', () => {
    const mapping = parseMappingConfig({
      contacts: { fields: [{ column: 'phone', hubspotProperty: 'phone', direction: 'toHubSpot' }] },
    });
    expect(hubspotToLocal('contacts', { phone: '123', city: 'Oslo' }, mapping)).toEqual({
      columns: {},
      extra: { city: 'Oslo' },
      invalid: [],
    });
  });

  it('reads owners API fields', () => {
    const result = hubspotToLocal(
      'owners',
      { email: 'o@x.io', firstName: 'O', lastName: 'W', userId: '77', updatedAt: '2024-01-01T00:00:00Z' },
      DEFAULT_MAPPING,
    );
    expect(result.columns).toEqual({ email: 'o@x.io', firstName: 'O', lastName: 'W', userId: '77' });
    expect(result.hubspotUpdatedAt).toEqual(new Date('2024-01-01T00:00:00Z'));
  });
});

describe('localToHubSpot', () => {
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
    expect(localToHubSpot('deals', deal, DEFAULT_MAPPING)).toEqual({
      dealname: 'Big one',
      dealstage: 'won',
      pipeline: 'default',
      amount: '1000.5',
      closedate: '2024-06-30T12:00:00.000Z',
      hubspot_owner_id: '',
    });
  });

  it('restricts to the given columns and skips columns absent from the row', () => {
    expect(localToHubSpot('deals', deal, DEFAULT_MAPPING, ['amount', 'properties', 'nope'])).toEqual({
      amount: '1000.5',
    });
    expect(localToHubSpot('contacts', { email: 'a@b.co' }, DEFAULT_MAPPING)).toEqual({ email: 'a@b.co' });
  });

  it('never pushes fromHubSpot fields', () => {
    expect(localToHubSpot('owners', { email: 'o@x.io', firstName: 'O' }, DEFAULT_MAPPING)).toEqual({});
  });

  it('names column and property when a value cannot be sent', () => {
    const attempt = (): unknown => localToHubSpot('deals', { amount: 'lots' }, DEFAULT_MAPPING);
    expect(attempt).toThrow(MappingValueError);
    expect(attempt).toThrow('deals.amount → amount: value cannot be sent as a HubSpot decimal');
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
          const back = hubspotToLocal(type, localToHubSpot(type, row, DEFAULT_MAPPING), DEFAULT_MAPPING);
          for (const field of DEFAULT_MAPPING[type].fields) {
            expect(normalizeForCompare(field, back.columns[field.column])).toBe(
              normalizeForCompare(field, row[field.column]),
            );
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

describe('validateMappingAgainstProperties', () => {
  const defsFor = (
    type: ObjectType,
    overrides: Record<string, Partial<PropertyDefinition>> = {},
  ): PropertyDefinition[] => [
    ...DEFAULT_MAPPING[type].fields.map((f) => ({ name: f.hubspotProperty, ...overrides[f.hubspotProperty] })),
    { name: DEFAULT_MAPPING[type].lastModifiedProperty, modificationMetadata: { readOnlyValue: true } },
  ];
  const allDefs = (): Partial<Record<ObjectType, PropertyDefinition[]>> => ({
    contacts: defsFor('contacts'),
    companies: defsFor('companies'),
    deals: defsFor('deals'),
    tasks: defsFor('tasks'),
    tickets: defsFor('tickets'),
  });

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
