import { applyRecords, type ApplyOptions, type InboundRecord, type RowState } from '../../src/sync/apply-record';
import { fieldFingerprint, type FieldState } from '../../src/sync/field-state';
import { fieldByProperty } from '../../src/sync/mapping';
import { parseMappingConfig } from '../../src/sync/mapping-config';
import { DEFAULT_MAPPING } from '../../src/sync/mappings/default-mapping';

const NOW = 5_000_000;
const APP_ID = '4711';
const options = (mode: 'full' | 'partial' = 'partial', overrides: Partial<ApplyOptions> = {}): ApplyOptions => ({
  objectType: 'contacts',
  mapping: DEFAULT_MAPPING,
  ourAppId: APP_ID,
  mode,
  ...overrides,
});
const fp = (property: string, value: unknown): string =>
  fieldFingerprint(fieldByProperty('contacts', property, DEFAULT_MAPPING)!, value);

/** A contact row hubsync synced before: firstname 'Ada' pulled at t=1000, last changed locally at `localAt`. */
function syncedRow(overrides: Partial<RowState> = {}, firstname: FieldState = {}): RowState {
  return {
    id: 'local-1',
    hubspotId: '1',
    columns: {
      email: 'a@x.io',
      firstName: 'Ada',
      lastName: null,
      phone: null,
      jobTitle: null,
      lifecycleStage: null,
      ownerId: null,
    },
    properties: {},
    syncState: { firstname: { pulled: fp('firstname', 'Ada'), pulledAt: 1000, hubspotAt: 1000, ...firstname } },
    hubspotUpdatedAt: 1000,
    archived: false,
    archivedAt: null,
    localChangedAt: new Date(1000),
    mergedIntoId: null,
    ...overrides,
  };
}

const apply = (rows: RowState[], records: InboundRecord[], opts: ApplyOptions = options()) =>
  applyRecords(new Map(rows.map((r) => [r.hubspotId, r])), records, opts, NOW);

describe('applyRecords: new records', () => {
  it('maps typed columns, keeps unmapped properties, records what was pulled and when HubSpot changed it', () => {
    const outcome = apply(
      [],
      [
        {
          hubspotId: '9',
          changedAt: 1,
          properties: { email: 'n@x.io', firstname: 'Nia', hs_lead_status: 'NEW', lastmodifieddate: '2000' },
        },
      ],
      options('full'),
    );
    expect(outcome.counts).toMatchObject({ inserted: 1, updated: 0, unchanged: 0, conflicts: 0 });
    const [only] = outcome.rows;
    expect(only?.changed).toBe(true);
    expect(only?.row).toMatchObject({
      hubspotId: '9',
      columns: { email: 'n@x.io', firstName: 'Nia' },
      properties: { hs_lead_status: 'NEW' },
      // A full record's last-modified property is its change time.
      hubspotUpdatedAt: 2000,
    });
    expect(only?.row.syncState.firstname).toEqual({ pulled: fp('firstname', 'Nia'), pulledAt: NOW, hubspotAt: 2000 });
    expect(only?.takenFromHubSpot.sort()).toEqual(['email', 'firstName']);
    expect(only?.pushBack).toEqual([]);
  });

  it('takes the source time, not last-modified, for a partial record', () => {
    const outcome = apply(
      [],
      [{ hubspotId: '9', changedAt: 7, properties: { firstname: 'N', lastmodifieddate: '2000' } }],
    );
    expect(outcome.rows[0]?.row.hubspotUpdatedAt).toBe(7);
    expect(outcome.rows[0]?.row.properties).toEqual({});
  });

  it('applies several records of one id in order', () => {
    const outcome = apply(
      [],
      [
        { hubspotId: '9', changedAt: 1, properties: { firstname: 'First' } },
        { hubspotId: '9', changedAt: 2, properties: { firstname: 'Second', lastname: 'L' } },
      ],
    );
    expect(outcome.rows).toHaveLength(1);
    expect(outcome.rows[0]?.row.columns).toEqual({ firstName: 'Second', lastName: 'L' });
    expect(outcome.counts.inserted).toBe(1);
  });

  it('ignores properties of toHubSpot-only fields', () => {
    const mapping = parseMappingConfig({
      contacts: { fields: [{ column: 'phone', hubspotProperty: 'phone', direction: 'toHubSpot' }] },
    });
    const outcome = apply([], [{ hubspotId: '9', changedAt: 1, properties: { phone: '1', city: 'Oslo' } }], {
      ...options(),
      mapping,
    });
    expect(outcome.rows[0]?.row).toMatchObject({ columns: {}, properties: { city: 'Oslo' }, syncState: {} });
  });
});

describe('applyRecords: existing rows', () => {
  it('changes nothing when HubSpot says what the row already holds', () => {
    const row = syncedRow();
    const outcome = apply([row], [{ hubspotId: '1', changedAt: 1000, properties: { firstname: 'Ada' } }]);
    expect(outcome.counts).toMatchObject({ unchanged: 1, updated: 0 });
    expect(outcome.rows[0]?.changed).toBe(false);
  });

  it('takes a value only HubSpot changed, without a conflict', () => {
    const outcome = apply([syncedRow()], [{ hubspotId: '1', changedAt: 2000, properties: { firstname: 'Grace' } }]);
    expect(outcome.counts).toMatchObject({ updated: 1, conflicts: 0 });
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Grace');
    expect(outcome.rows[0]?.takenFromHubSpot).toEqual(['firstName']);
    expect(outcome.rows[0]?.row.syncState.firstname).toMatchObject({
      pulled: fp('firstname', 'Grace'),
      hubspotAt: 2000,
    });
  });

  it('drops a value older than the newest HubSpot time seen for that property, and applies the others', () => {
    const row = syncedRow({}, { hubspotAt: 3000 });
    const outcome = apply(
      [row],
      [{ hubspotId: '1', changedAt: 2000, properties: { firstname: 'Old', lastname: 'New' } }],
    );
    expect(outcome.counts.stale).toBe(1);
    expect(outcome.rows[0]?.row.columns).toMatchObject({ firstName: 'Ada', lastName: 'New' });
  });

  it('honours per-property change times over the record time', () => {
    const row = syncedRow({}, { hubspotAt: 3000 });
    const outcome = apply(
      [row],
      [{ hubspotId: '1', changedAt: 2000, propertyChangedAt: { firstname: 4000 }, properties: { firstname: 'Newer' } }],
    );
    expect(outcome.counts.stale).toBe(0);
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Newer');
  });

  it('recognises the echo of our own push: only the HubSpot time moves', () => {
    const row = syncedRow(
      { columns: { ...syncedRow().columns, firstName: 'Grace' } },
      { pushed: fp('firstname', 'Grace'), pushedAt: 1500 },
    );
    const outcome = apply(
      [row],
      [
        {
          hubspotId: '1',
          changedAt: 2000,
          properties: { firstname: 'Grace' },
          changeSource: 'INTEGRATION',
          sourceId: APP_ID,
        },
      ],
    );
    expect(outcome.counts.echoes).toBe(1);
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Grace');
    expect(outcome.rows[0]?.row.syncState.firstname).toMatchObject({ pulled: fp('firstname', 'Ada'), hubspotAt: 2000 });
  });

  it('is no echo when someone else typed the value we pushed: it is applied as HubSpot’s', () => {
    const row = syncedRow({}, { pushed: fp('firstname', 'Grace'), pushedAt: 1500 });
    const outcome = apply(
      [row],
      [
        {
          hubspotId: '1',
          changedAt: 2000,
          properties: { firstname: 'Grace' },
          changeSource: 'CRM_UI',
          sourceId: 'u:1',
        },
      ],
    );
    expect(outcome.counts.echoes).toBe(0);
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Grace');
  });

  it('keeps an unparseable value verbatim in properties, reports it and leaves column and state alone', () => {
    const dealRow: RowState = {
      ...syncedRow(),
      columns: { amount: '5', name: 'D' },
      syncState: {},
    };
    const outcome = apply([dealRow], [{ hubspotId: '1', changedAt: 2000, properties: { amount: 'lots' } }], {
      ...options(),
      objectType: 'deals',
    });
    expect(outcome.rows[0]?.row.properties).toEqual({ amount: 'lots' });
    expect(outcome.rows[0]?.row.columns.amount).toBe('5');
    expect(outcome.rows[0]?.row.syncState.amount).toBeUndefined();
    expect(outcome.unparseable).toEqual([
      {
        hubspotId: '1',
        property: 'amount',
        column: 'amount',
        transform: 'decimal',
        reason: 'is not a valid decimal value',
      },
    ]);
  });

  it('marks archived and restored with the record time', () => {
    const archived = apply([syncedRow()], [{ hubspotId: '1', changedAt: 2000, archived: true, properties: {} }]);
    expect(archived.rows[0]?.row).toMatchObject({ archived: true, archivedAt: new Date(2000) });
    const restored = apply(
      [syncedRow({ archived: true, archivedAt: new Date(2000) })],
      [{ hubspotId: '1', changedAt: 3000, archived: false, properties: {} }],
    );
    expect(restored.rows[0]?.row).toMatchObject({ archived: false, archivedAt: null });
  });

  it('applies nothing to a merged-away row and counts the record stale', () => {
    const outcome = apply(
      [syncedRow({ mergedIntoId: 'survivor' })],
      [{ hubspotId: '1', changedAt: 2000, properties: { firstname: 'Revived' } }],
    );
    expect(outcome.rows).toEqual([]);
    expect(outcome.counts).toMatchObject({ stale: 1, inserted: 0, updated: 0, unchanged: 0 });
  });

  it('does not change the rows it was given', () => {
    const row = syncedRow();
    const before = structuredClone(row);
    apply([row], [{ hubspotId: '1', changedAt: 2000, properties: { firstname: 'Grace', city: 'Oslo' } }]);
    expect(row).toEqual(before);
  });
});

describe('applyRecords: conflicts', () => {
  // The platform renamed Ada to Lin at t=3000 (not pushed yet); HubSpot says Grace.
  const edited = (policy: 'newest' | 'hubspot' | 'platform' = 'newest') => ({
    row: syncedRow({ columns: { ...syncedRow().columns, firstName: 'Lin' }, localChangedAt: new Date(3000) }),
    opts: {
      ...options(),
      mapping: {
        ...DEFAULT_MAPPING,
        contacts: {
          ...DEFAULT_MAPPING.contacts,
          fields: DEFAULT_MAPPING.contacts.fields.map((f) => ({ ...f, conflictPolicy: policy })),
        },
      },
    },
  });

  it('newest: the later local edit wins, is recorded, and is pushed back', () => {
    const { row, opts } = edited();
    const outcome = apply([row], [{ hubspotId: '1', changedAt: 2000, properties: { firstname: 'Grace' } }], opts);
    expect(outcome.conflicts).toEqual([
      {
        localId: 'local-1',
        hubspotId: '1',
        property: 'firstname',
        localValue: 'Lin',
        hubspotValue: 'Grace',
        localChangedAt: new Date(3000),
        hubspotChangedAt: new Date(2000),
        policy: 'newest',
        winner: 'platform',
      },
    ]);
    expect(outcome.counts.conflicts).toBe(1);
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Lin');
    expect(outcome.rows[0]?.pushBack).toEqual(['firstName']);
    // HubSpot's value is remembered as pulled, so the push sees the local value as a change to send.
    expect(outcome.rows[0]?.row.syncState.firstname?.pulled).toBe(fp('firstname', 'Grace'));
  });

  it('newest: a later HubSpot edit wins and is taken', () => {
    const { row, opts } = edited();
    const outcome = apply([row], [{ hubspotId: '1', changedAt: 4000, properties: { firstname: 'Grace' } }], opts);
    expect(outcome.conflicts.map((c) => c.winner)).toEqual(['hubspot']);
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Grace');
    expect(outcome.rows[0]?.pushBack).toEqual([]);
    expect(outcome.rows[0]?.takenFromHubSpot).toEqual(['firstName']);
  });

  it('a fixed policy decides whatever the times', () => {
    const platform = edited('platform');
    const kept = apply(
      [platform.row],
      [{ hubspotId: '1', changedAt: 9000, properties: { firstname: 'Grace' } }],
      platform.opts,
    );
    expect(kept.rows[0]?.row.columns.firstName).toBe('Lin');
    const hubspot = edited('hubspot');
    const taken = apply(
      [hubspot.row],
      [{ hubspotId: '1', changedAt: 1001, properties: { firstname: 'Grace' } }],
      hubspot.opts,
    );
    expect(taken.rows[0]?.row.columns.firstName).toBe('Grace');
  });

  it('weighs nothing for a field the platform never filled and hubsync never synced', () => {
    const row = syncedRow({ localChangedAt: new Date(9000) });
    const outcome = apply([row], [{ hubspotId: '1', changedAt: 2000, properties: { jobtitle: 'CTO' } }]);
    expect(outcome.conflicts).toEqual([]);
    expect(outcome.rows[0]?.row.columns.jobTitle).toBe('CTO');
  });

  it('fromHubSpot fields never conflict: HubSpot owns them', () => {
    const mapping = parseMappingConfig({
      contacts: { fields: [{ column: 'firstName', hubspotProperty: 'firstname', direction: 'fromHubSpot' }] },
    });
    const { row } = edited();
    const outcome = apply([row], [{ hubspotId: '1', changedAt: 2000, properties: { firstname: 'Grace' } }], {
      ...options(),
      mapping,
    });
    expect(outcome.conflicts).toEqual([]);
    expect(outcome.rows[0]?.row.columns.firstName).toBe('Grace');
  });
});
