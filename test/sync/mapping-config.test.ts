import { DEFAULT_MAPPING } from '../../src/sync/mappings/default-mapping';
import { MappingConfigError, parseMappingConfig } from '../../src/sync/mapping-config';
import { MAPPABLE_COLUMNS, OBJECT_TYPES } from '../../src/sync/object-types';

function problemsOf(input: unknown): readonly string[] {
  try {
    parseMappingConfig(input);
  } catch (err) {
    if (err instanceof MappingConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the mapping to be rejected');
}

describe('default mapping', () => {
  it('is itself a valid configuration', () => {
    expect(parseMappingConfig(DEFAULT_MAPPING)).toEqual(DEFAULT_MAPPING);
  });

  it('covers every typed column of every model', () => {
    for (const type of OBJECT_TYPES) {
      expect(DEFAULT_MAPPING[type].fields.map((f) => f.column).sort()).toEqual([...MAPPABLE_COLUMNS[type]].sort());
    }
  });

  it('upserts contacts by email and companies by domain, creates the rest', () => {
    expect(DEFAULT_MAPPING.contacts.uniqueProperty).toBe('email');
    expect(DEFAULT_MAPPING.companies.uniqueProperty).toBe('domain');
    expect(DEFAULT_MAPPING.deals.uniqueProperty).toBeUndefined();
    expect(DEFAULT_MAPPING.contacts.lastModifiedProperty).toBe('lastmodifieddate');
    expect(DEFAULT_MAPPING.tickets.lastModifiedProperty).toBe('hs_lastmodifieddate');
  });
});

describe('parseMappingConfig', () => {
  it('fills defaults for direction, transform and policy, and keeps the default for omitted types', () => {
    const config = parseMappingConfig({
      deals: { fields: [{ column: 'amount', hubspotProperty: 'amount', transform: 'decimal' }] },
    });
    expect(config.deals.fields).toEqual([
      {
        column: 'amount',
        hubspotProperty: 'amount',
        direction: 'both',
        transform: 'decimal',
        conflictPolicy: 'newest',
      },
    ]);
    expect(config.deals.lastModifiedProperty).toBe('hs_lastmodifieddate');
    expect(config.contacts).toEqual(DEFAULT_MAPPING.contacts);
  });

  it('names the path of a missing property', () => {
    const fields = [
      { column: 'email', hubspotProperty: 'email' },
      { column: 'firstName', hubspotProperty: 'firstname' },
      { column: 'lastName' },
    ];
    expect(problemsOf({ contacts: { uniqueProperty: 'email', fields } })).toContain(
      'contacts.fields[2].hubspotProperty: Required',
    );
  });

  it('names the path of a bad enum value and an unknown key', () => {
    const problems = problemsOf({
      deals: { fields: [{ column: 'stage', hubspotProperty: 'dealstage', direction: 'sideways', colour: 'red' }] },
    });
    expect(problems.some((p) => p.startsWith('deals.fields[0].direction:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('deals.fields[0]:') && p.includes('colour'))).toBe(true);
  });

  it('rejects unknown object types and unknown columns', () => {
    expect(problemsOf({ quotes: { fields: [] } }).some((p) => p.includes('quotes'))).toBe(true);
    expect(problemsOf({ contacts: { fields: [{ column: 'fistName', hubspotProperty: 'firstname' }] } })).toEqual([
      expect.stringMatching(/^contacts\.fields\[0\]\.column: unknown column "fistName"/),
    ]);
  });

  it('rejects a column or a property mapped twice', () => {
    const problems = problemsOf({
      tickets: {
        fields: [
          { column: 'subject', hubspotProperty: 'subject' },
          { column: 'subject', hubspotProperty: 'content' },
          { column: 'stage', hubspotProperty: 'subject' },
        ],
      },
    });
    expect(problems).toContain('tickets.fields[1].column: "subject" is already mapped by fields[0]');
    expect(problems).toContain('tickets.fields[2].hubspotProperty: "subject" is already mapped by fields[0]');
  });

  it('requires a values map exactly for enums, and an unambiguous one', () => {
    expect(
      problemsOf({ tasks: { fields: [{ column: 'status', hubspotProperty: 'hs_task_status', transform: 'enum' }] } }),
    ).toEqual(['tasks.fields[0].values: an enum field needs a values map {local: hubspot}']);
    expect(
      problemsOf({
        tasks: {
          fields: [
            {
              column: 'status',
              hubspotProperty: 'hs_task_status',
              transform: 'enum',
              values: { open: 'X', todo: 'X' },
            },
          ],
        },
      }),
    ).toEqual(['tasks.fields[0].values: "todo" and "open" both map to "X"']);
    expect(
      problemsOf({
        tasks: {
          fields: [
            { column: 'status', hubspotProperty: 'hs_task_status', transform: 'enum', values: { a: 'b', b: 'c' } },
          ],
        },
      }),
    ).toEqual(['tasks.fields[0].values: "b" is a local value and also the HubSpot value of "a"']);
    expect(
      problemsOf({ tasks: { fields: [{ column: 'status', hubspotProperty: 'hs_task_status', values: { a: 'A' } }] } }),
    ).toEqual(['tasks.fields[0].values: only an enum field takes values']);
  });

  it('keeps owners read-only and requires the upsert property to be pushed', () => {
    expect(problemsOf({ owners: { fields: [{ column: 'email', hubspotProperty: 'email' }] } })).toEqual([
      'owners.fields[0].direction: owners can only be synced fromHubSpot',
    ]);
    expect(
      problemsOf({
        contacts: {
          uniqueProperty: 'email',
          fields: [{ column: 'email', hubspotProperty: 'email', direction: 'fromHubSpot' }],
        },
      }),
    ).toEqual(['contacts.uniqueProperty: "email" must be a field mapped toHubSpot or both (upserts send it)']);
  });

  it('reports a non-object input at the root', () => {
    expect(problemsOf('nope')[0]).toMatch(/^\(root\): /);
  });
});
