// The two decisions of a push batch besides planning: which planned fields HubSpot's current values take away
// (weighed once, in memory, by the inbound apply's conflict rules), and, in the recording transaction, which
// sent fields the row still holds. Pure: no I/O.
import { applyRecords, type FieldConflict, type InboundRecord, type RowState } from './apply-record';
import { fieldFingerprint, type FieldState, type SyncState } from './field-state';
import type { FieldMapping, MappingConfig } from './mapping-types';
import type { CrmObjectType } from './object-types';
import { conflictingFields, type PlannedField, type PushRow, type RecordPlan } from './push-plan';

/** HubSpot's current values of a record, from the push's one batch read. */
export interface HubSpotCurrent {
  properties: Readonly<Record<string, string | null>>;
  /** The record's last-modified time (epoch ms): an upper bound of each property's change time. */
  changedAt: number;
}

/** A column HubSpot's value won, applied locally only if the row still holds the value it was weighed against. */
export interface TakenColumn {
  field: FieldMapping;
  value: unknown;
  /** Fingerprint of the local value HubSpot's replaced. */
  replaces: string;
}

export interface SettledRecord {
  localId: string;
  taken: TakenColumn[];
  /** Field-state changes of the weighed fields (HubSpot's value remembered as pulled), by property. */
  state: SyncState;
}

export interface PushSettlement {
  /** The plans with HubSpot's winners taken out: what is sent. */
  plans: Map<string, RecordPlan>;
  settled: SettledRecord[];
  conflicts: FieldConflict[];
}

const asRowState = (row: PushRow): RowState => ({
  id: row.id,
  hubspotId: row.hubspotId as string,
  columns: row.columns,
  properties: {},
  syncState: row.syncState,
  hubspotUpdatedAt: null,
  archived: false,
  archivedAt: null,
  localChangedAt: row.updatedAt,
});

function stateChanges(before: SyncState, after: SyncState, properties: readonly string[]): SyncState {
  const out: SyncState = {};
  for (const property of properties) {
    const was: FieldState = before[property] ?? {};
    const now: FieldState = after[property] ?? {};
    const changed = Object.fromEntries(
      Object.entries(now).filter(([key, value]) => was[key as keyof FieldState] !== value),
    ) as FieldState;
    if (Object.keys(changed).length > 0) out[property] = changed;
  }
  return out;
}

/**
 * Weighs each planned field HubSpot also changed since the last sync (see conflictingFields) by the field's
 * policy, exactly as an inbound change of it would be: the conflict is recorded, a HubSpot winner leaves the
 * plan and is applied locally, a platform winner is sent.
 */
export function settleWithHubSpot(
  type: CrmObjectType,
  rows: readonly PushRow[],
  plans: ReadonlyMap<string, RecordPlan>,
  current: ReadonlyMap<string, HubSpotCurrent>,
  options: { mapping: MappingConfig; ourAppId?: string; now: number },
): PushSettlement {
  const weighed = new Map<string, { row: PushRow; properties: string[] }>();
  const records: InboundRecord[] = [];
  for (const row of rows) {
    const plan = plans.get(row.id);
    const hubspot = row.hubspotId ? current.get(row.hubspotId) : undefined;
    if (!plan || !hubspot || !row.hubspotId) continue;
    const properties = conflictingFields(row, plan, hubspot.properties, hubspot.changedAt).map((c) => c.property);
    if (properties.length === 0) continue;
    weighed.set(row.hubspotId, { row, properties });
    records.push({
      hubspotId: row.hubspotId,
      properties: Object.fromEntries(properties.map((p) => [p, hubspot.properties[p] ?? null])),
      changedAt: hubspot.changedAt,
    });
  }
  const result: PushSettlement = { plans: new Map(plans), settled: [], conflicts: [] };
  if (records.length === 0) return result;

  const outcome = applyRecords(
    new Map([...weighed].map(([hubspotId, { row }]) => [hubspotId, asRowState(row)])),
    records,
    { objectType: type, mapping: options.mapping, ourAppId: options.ourAppId, mode: 'partial' },
    options.now,
  );
  result.conflicts = outcome.conflicts;
  for (const applied of outcome.rows) {
    const entry = weighed.get(applied.row.hubspotId);
    if (!entry) continue;
    const { row, properties } = entry;
    const plan = plans.get(row.id) as RecordPlan;
    const takenColumns = new Set(applied.takenFromHubSpot);
    const taken = plan.fields
      .filter((planned) => takenColumns.has(planned.field.column))
      .map((planned) => ({
        field: planned.field,
        value: applied.row.columns[planned.field.column] ?? null,
        replaces: fieldFingerprint(planned.field, row.columns[planned.field.column] ?? null),
      }));
    result.plans.set(row.id, { ...plan, fields: plan.fields.filter((f) => !takenColumns.has(f.field.column)) });
    const state = stateChanges(row.syncState, applied.row.syncState, properties);
    if (taken.length > 0 || Object.keys(state).length > 0) result.settled.push({ localId: row.id, taken, state });
  }
  return result;
}

/** What HubSpot accepted for one record. */
export interface SentRecord {
  localId: string;
  fields: readonly PlannedField[];
  pushedAt: number;
  /** HubSpot's last-modified after the write (epoch ms), when it said. */
  hubspotAt?: number;
}

export interface RecordingChanges {
  /** Per property: merged into the row's FieldState. */
  state: SyncState;
  /** Columns set to HubSpot's winning value. */
  columns: Record<string, unknown>;
  /** Columns the row changed since they were weighed or sent: the record must be settled again. */
  resettle: string[];
}

/**
 * In the recording transaction, against the row as it is now: a sent field is marked pushed if the row still
 * holds the value sent, a HubSpot winner is applied only if the row still holds the value it replaced.
 * Anything else changed meanwhile (a platform edit, an inbound apply of a HubSpot edit made after the push's
 * read) is left as it is and named in `resettle`, so the record is pushed (or taken) again and both sides end
 * on the same value. A sent field the platform edited again meanwhile is still marked pushed: HubSpot holds the
 * value sent, and without the mark its echo would be taken for a HubSpot change that conflicts with (and under
 * 'newest', by its later write time, beats) the platform's newer value. One HubSpot's inbound apply replaced is
 * not: that value is what the row last pulled, and the record must be weighed again.
 */
export function confirmRecording(
  now: PushRow,
  sent: SentRecord | undefined,
  settled: SettledRecord | undefined,
): RecordingChanges {
  const changes: RecordingChanges = { state: {}, columns: {}, resettle: [] };
  const holds = (field: FieldMapping, fingerprint: string): boolean =>
    fieldFingerprint(field, now.columns[field.column] ?? null) === fingerprint;
  for (const [property, state] of Object.entries(settled?.state ?? {})) changes.state[property] = { ...state };
  for (const taken of settled?.taken ?? []) {
    if (holds(taken.field, taken.replaces)) changes.columns[taken.field.column] = taken.value;
    else {
      delete changes.state[taken.field.hubspotProperty];
      changes.resettle.push(taken.field.column);
    }
  }
  for (const planned of sent?.fields ?? []) {
    const { field } = planned;
    if (!holds(field, planned.fingerprint)) {
      changes.resettle.push(field.column);
      const pulled = now.syncState[field.hubspotProperty]?.pulled;
      if (pulled !== undefined && holds(field, pulled)) continue;
    }
    changes.state[field.hubspotProperty] = {
      ...changes.state[field.hubspotProperty],
      pushed: planned.fingerprint,
      pushedAt: sent?.pushedAt,
      ...(sent?.hubspotAt === undefined ? {} : { hubspotAt: sent.hubspotAt }),
    };
  }
  return changes;
}
