// Recording a push against the row as it is now: what HubSpot holds after the write is remembered, so the echo of
// a value the platform has since replaced is not mistaken for a HubSpot change.
import { applyRecords, type RowState } from '../../src/sync/apply-record';
import { DEFAULT_MAPPING, fieldFingerprint } from '../../src/sync';
import { confirmRecording, type SentRecord } from '../../src/sync/push-decisions';
import { planRecordPush, type PushRow } from '../../src/sync/push-plan';

const T = Date.parse('2026-12-02T01:54:00Z');
const row = (firstName: string, overrides: Partial<PushRow> = {}): PushRow => ({
  id: '448bce88-3a3c-43cf-bc2d-f672ee206c1c',
  hubspotId: '100137',
  updatedAt: new Date(T),
  syncState: {},
  columns: { email: 'pf@chaos.example', firstName, lastName: null },
  ...overrides,
});
const sentFirstName = (value: string, pushedAt: number): SentRecord => ({
  localId: row(value).id,
  fields: planRecordPush('contacts', row(value), DEFAULT_MAPPING, ['firstName']).fields,
  pushedAt,
  hubspotAt: pushedAt,
});
const asRowState = (r: PushRow): RowState => ({
  id: r.id,
  hubspotId: r.hubspotId as string,
  columns: r.columns,
  properties: {},
  syncState: r.syncState,
  hubspotUpdatedAt: null,
  archived: false,
  archivedAt: null,
  localChangedAt: r.updatedAt,
});

describe('confirmRecording', () => {
  it('marks a sent field pushed when the row still holds it', () => {
    const changes = confirmRecording(row('fn-386'), sentFirstName('fn-386', T + 2000), undefined);
    expect(changes.resettle).toEqual([]);
    expect(changes.state.firstname).toMatchObject({ pushed: fieldFingerprint('string', 'fn-386'), pushedAt: T + 2000 });
  });

  // Seen in a chaos run (seed 301387404): the platform created a contact (firstname fn-386) and edited it
  // (firstname-453) while the push creating it in HubSpot was under way. The recording left fn-386 unmarked, so
  // HubSpot's creation event carrying fn-386 — the push's own echo — was weighed as a HubSpot change: a conflict
  // against the platform's newer value, which 'newest' gave to fn-386 by its later write time. The edit was lost.
  it('still marks a sent field the platform edited again meanwhile, so its echo is no HubSpot change', () => {
    const now = row('firstname-453', { updatedAt: new Date(T + 1000) });
    const changes = confirmRecording(now, sentFirstName('fn-386', T + 2000), undefined);
    expect(changes.resettle).toEqual(['firstName']);
    expect(changes.state.firstname).toMatchObject({
      pushed: fieldFingerprint('string', 'fn-386'),
      hubspotAt: T + 2000,
    });

    const recorded = { ...now, syncState: { firstname: changes.state.firstname! } };
    const echo = applyRecords(
      new Map([['100137', asRowState(recorded)]]),
      [{ hubspotId: '100137', properties: { firstname: 'fn-386' }, changedAt: T + 2000 }],
      { objectType: 'contacts', mapping: DEFAULT_MAPPING, mode: 'partial' },
      T + 5000,
    );
    expect(echo.conflicts).toEqual([]);
    expect(echo.rows[0]?.row.columns.firstName).toBe('firstname-453');
    // The record is pushed again: the platform's value is a change since the mark.
    expect(planRecordPush('contacts', recorded, DEFAULT_MAPPING, null).fields.map((f) => f.value)).toContain(
      'firstname-453',
    );

    // Without the mark, the same echo conflicts with the platform's edit and wins.
    const unmarked = applyRecords(
      new Map([['100137', asRowState(now)]]),
      [{ hubspotId: '100137', properties: { firstname: 'fn-386' }, changedAt: T + 2000 }],
      { objectType: 'contacts', mapping: DEFAULT_MAPPING, mode: 'partial' },
      T + 5000,
    );
    expect(unmarked.conflicts).toHaveLength(1);
  });

  it('does not mark a sent field an inbound apply replaced meanwhile: the record is weighed again', () => {
    const pulled = fieldFingerprint('string', 'from-hubspot');
    const now = row('from-hubspot', { syncState: { firstname: { pulled, pulledAt: T + 1500, hubspotAt: T + 1400 } } });
    const changes = confirmRecording(now, sentFirstName('fn-386', T + 2000), undefined);
    expect(changes.resettle).toEqual(['firstName']);
    expect(changes.state.firstname).toBeUndefined();
  });
});
