// What one record sends: only fields changed since the last sync, never an echo of what HubSpot already has,
// and an upsert key that makes a repeated create find the record it made.
import { conflictingFields, planRecordPush, upsertKeyFor, type PushRow } from '../../src/sync/push-plan';
import { DEFAULT_MAPPING, fieldFingerprint } from '../../src/sync';

const row = (overrides: Partial<PushRow> = {}): PushRow => ({
  id: '7f0c5a52-2a51-4c1e-9d7e-2d0c8a6b9e11',
  hubspotId: '501',
  updatedAt: new Date('2026-01-01T10:00:00Z'),
  syncState: {},
  columns: {
    email: 'ada@example.com',
    firstName: 'Ada',
    lastName: null,
    phone: null,
    jobTitle: null,
    lifecycleStage: null,
    ownerId: null,
  },
  ...overrides,
});
const sent = (r: PushRow, only: string[] | null = null) =>
  Object.fromEntries(
    planRecordPush('contacts', r, DEFAULT_MAPPING, only).fields.map((f) => [f.field.hubspotProperty, f.value]),
  );

describe('planRecordPush', () => {
  it('sends the filled fields of a record never synced, not its empty ones', () => {
    expect(sent(row())).toEqual({ email: 'ada@example.com', firstname: 'Ada' });
  });

  it('sends nothing that equals the value last pushed or last pulled', () => {
    const synced = row({
      syncState: {
        email: { pulled: fieldFingerprint('string', 'ada@example.com'), pulledAt: 1 },
        firstname: { pushed: fieldFingerprint('string', 'Ada'), pushedAt: 2 },
      },
    });
    expect(sent(synced)).toEqual({});
    expect(sent({ ...synced, columns: { ...synced.columns, firstName: 'Augusta' } })).toEqual({ firstname: 'Augusta' });
  });

  it('sends a cleared field that was synced before, as "" (HubSpot clears only on an empty string)', () => {
    const synced = row({ syncState: { jobtitle: { pushed: fieldFingerprint('string', 'CEO'), pushedAt: 1 } } });
    expect(sent(synced)).toMatchObject({ jobtitle: '' });
  });

  it('restricts to the columns the platform named', () => {
    expect(sent(row(), ['firstName'])).toEqual({ firstname: 'Ada' });
  });

  it('reports a value its HubSpot type cannot carry instead of sending it', () => {
    const plan = planRecordPush(
      'deals',
      { ...row(), columns: { name: 'Deal', amount: 'lots' } },
      DEFAULT_MAPPING,
      null,
    );
    expect(plan.unrepresentable).toEqual([
      { property: 'amount', message: 'value cannot be sent as a HubSpot decimal' },
    ]);
    expect(plan.fields.map((f) => f.field.hubspotProperty)).toEqual(['dealname']);
  });
});

describe('conflictingFields', () => {
  const base = row({
    syncState: {
      firstname: { pushed: fieldFingerprint('string', 'Ada'), pushedAt: Date.parse('2026-01-01T09:00:00Z') },
    },
  });
  const edited = { ...base, columns: { ...base.columns, firstName: 'Local' } };
  const plan = planRecordPush('contacts', edited, DEFAULT_MAPPING, null);

  it('is empty when HubSpot still holds the value last synced', () => {
    expect(conflictingFields(edited, plan, { firstname: 'Ada' }, Date.parse('2026-01-01T11:00:00Z'))).toEqual([]);
  });

  it('decides by the newer change time under the default policy', () => {
    const [later] = conflictingFields(edited, plan, { firstname: 'Remote' }, Date.parse('2026-01-01T11:00:00Z'));
    expect(later).toMatchObject({ property: 'firstname', resolution: { conflict: true, winner: 'hubspot' } });
    const [earlier] = conflictingFields(edited, plan, { firstname: 'Remote' }, Date.parse('2026-01-01T09:30:00Z'));
    expect(earlier).toMatchObject({ property: 'firstname', resolution: { conflict: true, winner: 'platform' } });
  });
});

describe('upsertKeyFor', () => {
  it('uses the unique property when HubSpot declares it unique and the row has a value', () => {
    expect(upsertKeyFor('contacts', row(), DEFAULT_MAPPING, true)).toEqual({
      idProperty: 'email',
      id: 'ada@example.com',
    });
  });

  it('falls back to hubsync_local_id otherwise', () => {
    const r = row();
    expect(upsertKeyFor('contacts', r, DEFAULT_MAPPING, false)).toEqual({ idProperty: 'hubsync_local_id', id: r.id });
    expect(upsertKeyFor('contacts', { ...r, columns: { ...r.columns, email: null } }, DEFAULT_MAPPING, true)).toEqual({
      idProperty: 'hubsync_local_id',
      id: r.id,
    });
    expect(upsertKeyFor('deals', r, DEFAULT_MAPPING, true)).toEqual({ idProperty: 'hubsync_local_id', id: r.id });
  });
});

describe('planRecordPush: properties HubSpot requires on create', () => {
  const task = (hubspotId: string | null, dueDate: Date | null): PushRow =>
    row({ hubspotId, columns: { subject: 'Call back', dueDate } });

  it('a new task without a due date is reported (hs_timestamp names its column), not sent', () => {
    expect(planRecordPush('tasks', task(null, null), DEFAULT_MAPPING, null).missingOnCreate).toEqual([
      {
        property: 'hs_timestamp',
        message: 'HubSpot requires hs_timestamp to create a tasks record; its column dueDate is empty',
      },
    ]);
  });

  it('a new task with a due date, an existing task without one and a new contact need nothing more', () => {
    const due = new Date('2026-12-02T09:00:00Z');
    const withDue = planRecordPush('tasks', task(null, due), DEFAULT_MAPPING, null);
    expect(withDue.missingOnCreate).toEqual([]);
    expect(withDue.fields.find((f) => f.field.hubspotProperty === 'hs_timestamp')?.value).toBe(due.toISOString());
    expect(planRecordPush('tasks', task('901', null), DEFAULT_MAPPING, null).missingOnCreate).toEqual([]);
    expect(planRecordPush('contacts', row({ hubspotId: null }), DEFAULT_MAPPING, null).missingOnCreate).toEqual([]);
  });

  it('a mapping that sends nothing to hs_timestamp says so', () => {
    const mapping = {
      ...DEFAULT_MAPPING,
      tasks: { ...DEFAULT_MAPPING.tasks, fields: DEFAULT_MAPPING.tasks.fields.filter((f) => f.column !== 'dueDate') },
    };
    expect(planRecordPush('tasks', task(null, new Date()), mapping, null).missingOnCreate).toEqual([
      {
        property: 'hs_timestamp',
        message: 'HubSpot requires hs_timestamp to create a tasks record; the mapping sends no column to it',
      },
    ]);
  });
});
