// Applying what HubSpot says about a record to the platform row that mirrors it: mapping, echo detection,
// per-field ordering, the conflict policy, unparseable values kept verbatim, and what must be pushed back.
// Webhooks, the hourly sync, the backfill and the push's conflict check all decide here; the store only reads
// the rows and writes what this returns. Pure: no I/O.
import { resolveFieldConflict, type Winner } from './conflicts';
import { isEcho } from './echo';
import { fieldFingerprint, type FieldState, type SyncState } from './field-state';
import { readHubSpotProperties, type MappedValue } from './mapping';
import type { ConflictPolicy, MappingConfig } from './mapping-types';
import { objectTypeSpec, type ObjectType } from './object-types';
import { storableValue } from './storable-values';
import { toHubSpotValue, type TransformName } from './transforms';

export interface InboundRecord {
  hubspotId: string;
  /** HubSpot wire form: a full record, or only the properties that changed. */
  properties: Record<string, string | null>;
  /** Undefined when the source does not know (a property-change event). */
  archived?: boolean;
  /** Epoch ms: the record's last-modified (full records) or the event's occurredAt. */
  changedAt: number;
  /** Per-property change times, overriding changedAt (webhook propertyChange events). */
  propertyChangedAt?: Record<string, number>;
  changeSource?: string;
  sourceId?: string;
}

export interface ApplyOptions {
  objectType: ObjectType;
  mapping: MappingConfig;
  ourAppId?: string;
  /** full: `properties` is the whole record; partial: only the properties present changed. */
  mode: 'full' | 'partial';
}

/** A platform row as the apply sees it. `id` is absent for a row this apply creates. */
export interface RowState {
  id?: string;
  hubspotId: string;
  /** Typed mapped columns by Prisma field name. */
  columns: Record<string, unknown>;
  /** The JSONB `properties`: unmapped HubSpot properties and mapped values that did not parse. */
  properties: Record<string, string | null>;
  syncState: SyncState;
  hubspotUpdatedAt: number | null;
  archived: boolean;
  archivedAt: Date | null;
  /** When the platform last changed the row (its side's time in a conflict). */
  localChangedAt?: Date;
  /** Set on a merged-away record: HubSpot answers its id with the survivor now, so nothing applies to it. */
  mergedIntoId?: string | null;
}

export interface FieldConflict {
  localId: string;
  hubspotId: string;
  property: string;
  /** HubSpot wire form. */
  localValue: string | null;
  hubspotValue: string | null;
  localChangedAt: Date | null;
  hubspotChangedAt: Date;
  policy: ConflictPolicy;
  winner: Winner;
}

/**
 * A mapped value that does not parse for its column, or that the column cannot hold (a deal amount beyond
 * numeric(18,2)): kept verbatim in `properties`, the column left as it was, one failure recorded. The rest of
 * the record and of the page applies.
 */
export interface UnparseableValue {
  hubspotId: string;
  property: string;
  column: string;
  transform: TransformName;
  reason: string;
}

export interface ApplyCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  echoes: number;
  conflicts: number;
  stale: number;
}

export interface RowOutcome {
  row: RowState;
  /** Whether the row must be written (insert when `row.id` is absent). */
  changed: boolean;
  /** Columns whose local value won a conflict: HubSpot still holds the other value until they are pushed. */
  pushBack: string[];
  /** Columns this apply set to HubSpot's value. */
  takenFromHubSpot: string[];
}

export interface ApplyOutcome {
  /** One per HubSpot id applied (merged-away rows excluded), in the order first seen. */
  rows: RowOutcome[];
  conflicts: FieldConflict[];
  unparseable: UnparseableValue[];
  counts: ApplyCounts;
}

const emptyRow = (hubspotId: string): RowState => ({
  hubspotId,
  columns: {},
  properties: {},
  syncState: {},
  hubspotUpdatedAt: null,
  archived: false,
  archivedAt: null,
});

const copyRow = (row: RowState): RowState => ({
  ...row,
  columns: { ...row.columns },
  properties: { ...row.properties },
  syncState: Object.fromEntries(Object.entries(row.syncState).map(([property, state]) => [property, { ...state }])),
});

/** What one apply is building for one row, across every record of the batch that names it. */
interface Working {
  row: RowState;
  isNew: boolean;
  changed: boolean;
  pushBack: Set<string>;
  takenFromHubSpot: Set<string>;
}

interface Sink {
  conflicts: FieldConflict[];
  unparseable: UnparseableValue[];
  counts: ApplyCounts;
}

/**
 * Applies `records` (several may name one HubSpot id; they apply in order) to the rows read for them (by
 * HubSpot id; a missing id becomes a new row). `now` is the pull time stored in the field states.
 */
export function applyRecords(
  existing: ReadonlyMap<string, RowState>,
  records: readonly InboundRecord[],
  options: ApplyOptions,
  now: number,
): ApplyOutcome {
  const sink: Sink = {
    conflicts: [],
    unparseable: [],
    counts: { inserted: 0, updated: 0, unchanged: 0, echoes: 0, conflicts: 0, stale: 0 },
  };
  const working = new Map<string, Working>();
  for (const [hubspotId, row] of existing) {
    if (row.mergedIntoId) continue;
    working.set(hubspotId, {
      row: copyRow(row),
      isNew: false,
      changed: false,
      pushBack: new Set(),
      takenFromHubSpot: new Set(),
    });
  }
  for (const record of records) {
    if (existing.get(record.hubspotId)?.mergedIntoId) {
      sink.counts.stale += 1;
      continue;
    }
    let target = working.get(record.hubspotId);
    if (!target) {
      target = {
        row: emptyRow(record.hubspotId),
        isNew: true,
        changed: true,
        pushBack: new Set(),
        takenFromHubSpot: new Set(),
      };
      working.set(record.hubspotId, target);
    }
    applyRecord(target, record, options, now, sink);
  }
  const rows: RowOutcome[] = [];
  for (const target of working.values()) {
    if (!target.changed) sink.counts.unchanged += 1;
    else if (target.isNew) sink.counts.inserted += 1;
    else sink.counts.updated += 1;
    rows.push({
      row: target.row,
      changed: target.changed,
      pushBack: target.row.id ? [...target.pushBack] : [],
      takenFromHubSpot: [...target.takenFromHubSpot],
    });
  }
  sink.counts.conflicts = sink.conflicts.length;
  return { rows, conflicts: sink.conflicts, unparseable: sink.unparseable, counts: sink.counts };
}

function applyRecord(target: Working, record: InboundRecord, options: ApplyOptions, now: number, sink: Sink): void {
  const { row } = target;
  const reading = readHubSpotProperties(options.objectType, record.properties, options.mapping);
  // A full record's own last-modified time is more precise than the time its source attached to it.
  const recordChangedAt =
    options.mode === 'full' && reading.modifiedAt !== undefined ? reading.modifiedAt : record.changedAt;

  for (const [property, value] of Object.entries(reading.unmapped)) {
    if (!(property in row.properties) || row.properties[property] !== value) {
      row.properties[property] = value;
      target.changed = true;
    }
  }
  for (const incoming of reading.mapped) {
    const at = record.propertyChangedAt?.[incoming.field.hubspotProperty] ?? recordChangedAt;
    applyField(target, { ...incoming, at }, { record, options, now, sink });
  }

  if (record.archived !== undefined && record.archived !== row.archived) {
    row.archived = record.archived;
    row.archivedAt = record.archived ? new Date(recordChangedAt) : null;
    target.changed = true;
  }
  if (row.hubspotUpdatedAt === null || recordChangedAt > row.hubspotUpdatedAt) {
    row.hubspotUpdatedAt = recordChangedAt;
    target.changed = true;
  }
}

interface IncomingField extends MappedValue {
  /** HubSpot's change time of this value (epoch ms). */
  at: number;
}

interface FieldContext {
  record: InboundRecord;
  options: ApplyOptions;
  now: number;
  sink: Sink;
}

/**
 * One mapped field, in order: an older value than the newest seen is stale; an unparseable value is kept
 * verbatim; our own echo only moves the field's HubSpot time; a value both sides changed is weighed by the
 * field's policy (a local winner is pushed back); otherwise HubSpot's value is taken.
 */
function applyField(target: Working, incoming: IncomingField, context: FieldContext): void {
  const { row } = target;
  const { field, wire, at } = incoming;
  const property = field.hubspotProperty;
  const state: FieldState = row.syncState[property] ?? {};
  if (state.hubspotAt !== undefined && at < state.hubspotAt) {
    context.sink.counts.stale += 1;
    return;
  }
  const fit = incoming.local.ok
    ? storableValue(objectTypeSpec(context.options.objectType).columns[field.column], incoming.local.value)
    : { ok: false as const, reason: `is not a valid ${field.transform} value` };
  if (!incoming.local.ok || !fit.ok) {
    row.properties[property] = wire;
    target.changed = true;
    context.sink.unparseable.push({
      hubspotId: row.hubspotId,
      property,
      column: field.column,
      transform: field.transform,
      reason: fit.ok ? 'does not parse' : fit.reason,
    });
    return;
  }
  const { record, options } = context;
  if (
    isEcho({
      incomingValue: wire,
      state,
      changeSource: record.changeSource,
      sourceId: record.sourceId,
      ourAppId: options.ourAppId,
      transform: field,
    })
  ) {
    context.sink.counts.echoes += 1;
    if (state.hubspotAt !== at) {
      row.syncState[property] = { ...state, hubspotAt: at };
      target.changed = true;
    }
    return;
  }

  const fingerprint = fieldFingerprint(field, wire);
  const pulled = (): void => {
    if (state.pulled !== fingerprint || state.hubspotAt !== at) target.changed = true;
    row.syncState[property] = { ...state, pulled: fingerprint, pulledAt: context.now, hubspotAt: at };
  };
  const localValue = row.columns[field.column] ?? null;
  const localDiffers = fieldFingerprint(field, localValue) !== fingerprint;
  // A field the platform never filled and hubsync never synced is not a local edit: no conflict to weigh.
  const neverSynced = state.pushed === undefined && state.pulled === undefined;
  const localEdited = !(neverSynced && localValue === null);
  if (!target.isNew && localEdited && localDiffers && field.direction === 'both') {
    const localWire = toHubSpotValue(field, localValue);
    const resolution = resolveFieldConflict({
      policy: field.conflictPolicy,
      local: { value: localWire, changedAt: row.localChangedAt },
      hubspot: { value: wire, changedAt: at },
      base: state,
      transform: field,
    });
    if (resolution.conflict && row.id) {
      context.sink.conflicts.push({
        localId: row.id,
        hubspotId: row.hubspotId,
        property,
        localValue: localWire,
        hubspotValue: wire,
        localChangedAt: row.localChangedAt ?? null,
        hubspotChangedAt: new Date(at),
        policy: field.conflictPolicy,
        winner: resolution.winner,
      });
    }
    if (resolution.winner === 'platform') {
      // The local value stands; remembering HubSpot's value lets the push side see the field as changed.
      target.pushBack.add(field.column);
      pulled();
      return;
    }
  }
  if (localDiffers || !(field.column in row.columns)) {
    row.columns[field.column] = incoming.local.value;
    target.takenFromHubSpot.add(field.column);
    target.changed = true;
  }
  pulled();
}
