import { inTransaction, type Db } from './prisma';
import { tableFor } from './tables';

export { tableFor } from './tables';
import { isEcho } from '../sync/echo';
import { resolveFieldConflict } from '../sync/conflicts';
import { fieldFingerprint } from '../sync/field-state';
import { localLinkClaims } from '../sync/local-link';
import { mergedObjectIds } from '../sync/merges';
import { linkPushedRecords, takeOverListedMerges } from './inbound-lifecycle';
import { readsFromHubSpot, type FieldMapping, type MappingConfig } from '../sync/mapping-types';
import { parseHubSpotInstant, toHubSpotValue, toLocalValue } from '../sync/transforms';
import type { ObjectType } from '../sync/object-types';

// Applying what HubSpot says about records to the platform tables: one read and one batched write per call,
// inside one transaction. This is where inbound echo detection, per-field ordering and conflict rules meet
// the database; webhooks, the hourly sync and the backfill all come through here.

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

export interface ApplyInboundOptions {
  portalId: string;
  objectType: ObjectType;
  mapping: MappingConfig;
  ourAppId?: string;
  /** full: `properties` is the whole record; partial: only the properties present changed. */
  mode: 'full' | 'partial';
}

export interface ApplyInboundResult {
  inserted: number;
  updated: number;
  unchanged: number;
  echoes: number;
  conflicts: number;
  stale: number;
}

export type { FieldState, SyncState } from '../sync/field-state';
import type { FieldState, SyncState } from '../sync/field-state';

interface ExistingRow {
  id: string;
  hubspot_id: string;
  properties: Record<string, string | null>;
  sync_state: SyncState;
  hubspot_updated_at: Date | null;
  archived: boolean;
  archived_at: Date | null;
  merged_into_id: string | null;
  updated_at: Date;
  [column: string]: unknown;
}

interface WorkingRow {
  id?: string;
  hubspotId: string;
  columns: Record<string, unknown>;
  properties: Record<string, string | null>;
  syncState: SyncState;
  hubspotUpdatedAt: number | null;
  archived: boolean;
  archivedAt: Date | null;
  localChangedAt?: Date;
  dirty: boolean;
  isNew: boolean;
  /** Columns whose local value won a conflict: HubSpot still holds the other value until they are pushed. */
  pushBack: Set<string>;
}

interface ConflictRow {
  portalId: string;
  objectType: string;
  localId: string;
  hubspotId: string;
  property: string;
  localValue: string | null;
  hubspotValue: string | null;
  localChangedAt: Date | null;
  hubspotChangedAt: Date | null;
  policy: string;
  winner: string;
}

export async function applyInboundRecords(
  db: Db,
  options: ApplyInboundOptions,
  records: readonly InboundRecord[],
): Promise<ApplyInboundResult> {
  const result: ApplyInboundResult = { inserted: 0, updated: 0, unchanged: 0, echoes: 0, conflicts: 0, stale: 0 };
  if (records.length === 0) return result;
  const spec = tableFor(options.objectType);
  const columnEntries = Object.entries(spec.columns);
  const ids = [...new Set(records.map((r) => r.hubspotId))];

  return inTransaction(db, async (tx) => {
    if (options.mode === 'full') {
      const survivors = records.map((r) => ({
        hubspotId: r.hubspotId,
        mergedIds: mergedObjectIds(r.hubspotId, r.properties),
      }));
      await takeOverListedMerges(tx, {
        portalId: options.portalId,
        objectType: options.objectType,
        survivors,
        at: new Date(Math.max(...records.map((r) => r.changedAt))),
      });
    }
    await linkPushedRecords(tx, {
      portalId: options.portalId,
      objectType: options.objectType,
      claims: localLinkClaims(records),
    });
    const existing = (await tx.$queryRawUnsafe(
      `SELECT id::text AS id, hubspot_id, ${columnEntries.map(([name, c]) => `${c.sql} AS "${name}"`).join(', ')},
              properties, sync_state, hubspot_updated_at, archived, archived_at, merged_into_id, updated_at
         FROM ${spec.table} WHERE portal_id = $1 AND hubspot_id = ANY($2::text[]) FOR UPDATE`,
      options.portalId,
      ids,
    )) as ExistingRow[];
    // Values of a merged-away record were read before its merge was applied here (a sync page, a push's read,
    // a webhook apply racing the survivor's merge apply): HubSpot answers that id with its survivor now, and a
    // revived row would never be taken down again (its merged_into_id already names the survivor).
    const mergedAway = new Set(existing.filter((row) => row.merged_into_id !== null).map((row) => row.hubspot_id));
    const rows = new Map<string, WorkingRow>(
      existing
        .filter((row) => !mergedAway.has(row.hubspot_id))
        .map((row) => [
          row.hubspot_id,
          fromExisting(
            row,
            columnEntries.map(([n]) => n),
          ),
        ]),
    );
    const conflicts: ConflictRow[] = [];
    const now = Date.now();

    for (const record of records) {
      if (mergedAway.has(record.hubspotId)) {
        result.stale += 1;
        continue;
      }
      let row = rows.get(record.hubspotId);
      if (!row) {
        row = newRow(record.hubspotId);
        rows.set(record.hubspotId, row);
      }
      applyRecord(row, record, options, now, result, conflicts);
    }

    const dirty = [...rows.values()].filter((row) => row.dirty);
    for (const row of rows.values()) {
      if (!row.dirty) result.unchanged += 1;
      else if (row.isNew) result.inserted += 1;
      else result.updated += 1;
    }
    if (dirty.length > 0) await writeRows(tx, options.portalId, options.objectType, dirty);
    if (conflicts.length > 0) await tx.syncConflict.createMany({ data: conflicts });
    await queuePushBack(tx, options, [...rows.values()]);
    result.conflicts = conflicts.length;
    return result;
  });
}

function fromExisting(row: ExistingRow, columnNames: string[]): WorkingRow {
  const columns: Record<string, unknown> = {};
  for (const name of columnNames) columns[name] = row[name] ?? null;
  return {
    id: row.id,
    hubspotId: row.hubspot_id,
    columns,
    properties: { ...(row.properties ?? {}) },
    syncState: structuredClone(row.sync_state ?? {}),
    hubspotUpdatedAt: row.hubspot_updated_at ? row.hubspot_updated_at.getTime() : null,
    archived: row.archived,
    archivedAt: row.archived_at,
    localChangedAt: row.updated_at,
    dirty: false,
    isNew: false,
    pushBack: new Set(),
  };
}

function newRow(hubspotId: string): WorkingRow {
  return {
    hubspotId,
    columns: {},
    properties: {},
    syncState: {},
    hubspotUpdatedAt: null,
    archived: false,
    archivedAt: null,
    dirty: true,
    isNew: true,
    pushBack: new Set(),
  };
}

function applyRecord(
  row: WorkingRow,
  record: InboundRecord,
  options: ApplyInboundOptions,
  now: number,
  result: ApplyInboundResult,
  conflicts: ConflictRow[],
) {
  const objectMapping = options.mapping[options.objectType];
  let recordChangedAt = record.changedAt;
  const lastModified = record.properties[objectMapping.lastModifiedProperty];
  if (options.mode === 'full' && lastModified) recordChangedAt = parseHubSpotInstant(lastModified) ?? recordChangedAt;

  for (const [property, value] of Object.entries(record.properties)) {
    if (property === objectMapping.lastModifiedProperty) continue;
    const at = record.propertyChangedAt?.[property] ?? recordChangedAt;
    const field = objectMapping.fields.find((f) => f.hubspotProperty === property);
    if (!field) {
      if (!(property in row.properties) || row.properties[property] !== value) {
        row.properties[property] = value;
        row.dirty = true;
      }
      continue;
    }
    if (!readsFromHubSpot(field)) continue;
    applyField(row, field, value, at, record, options, now, result, conflicts);
  }

  if (record.archived !== undefined && record.archived !== row.archived) {
    row.archived = record.archived;
    row.archivedAt = record.archived ? new Date(recordChangedAt) : null;
    row.dirty = true;
  }
  if (row.hubspotUpdatedAt === null || recordChangedAt > row.hubspotUpdatedAt) {
    row.hubspotUpdatedAt = recordChangedAt;
    row.dirty = true;
  }
}

function applyField(
  row: WorkingRow,
  field: FieldMapping,
  value: string | null,
  at: number,
  record: InboundRecord,
  options: ApplyInboundOptions,
  now: number,
  result: ApplyInboundResult,
  conflicts: ConflictRow[],
) {
  const state: FieldState = row.syncState[field.hubspotProperty] ?? {};
  if (state.hubspotAt !== undefined && at < state.hubspotAt) {
    result.stale += 1;
    return;
  }
  const incoming = toLocalValue(field, value);
  if (!incoming.ok) {
    // Unparseable for its typed column: kept verbatim in `properties` so nothing HubSpot sent is lost.
    row.properties[field.hubspotProperty] = value;
    row.dirty = true;
    return;
  }
  const fingerprint = fieldFingerprint(field, value);
  const seen = (): void => {
    if (state.pulled !== fingerprint || state.hubspotAt !== at) row.dirty = true;
    state.pulled = fingerprint;
    state.pulledAt = now;
    state.hubspotAt = at;
    row.syncState[field.hubspotProperty] = state;
  };

  if (
    isEcho({
      incomingValue: value,
      lastPushedFingerprint: state.pushed,
      changeSource: record.changeSource,
      sourceId: record.sourceId,
      ourAppId: options.ourAppId,
      transform: field,
    })
  ) {
    result.echoes += 1;
    if (state.hubspotAt !== at) {
      state.hubspotAt = at;
      row.syncState[field.hubspotProperty] = state;
      row.dirty = true;
    }
    return;
  }

  const localValue = row.columns[field.column] ?? null;
  // A field the platform never filled and hubsync never synced is not a local edit: no conflict to weigh.
  const neverSynced = state.pushed === undefined && state.pulled === undefined;
  const localEdited = !(neverSynced && localValue === null);
  if (!row.isNew && localEdited && fieldFingerprint(field, localValue) !== fingerprint && field.direction === 'both') {
    const localWire = toHubSpotValue(field, localValue);
    const resolution = resolveFieldConflict({
      policy: field.conflictPolicy,
      local: { value: localWire, changedAt: row.localChangedAt },
      hubspot: { value, changedAt: at },
      base: {
        lastPushedFingerprint: state.pushed,
        lastPulledFingerprint: state.pulled,
        lastPushedAt: state.pushedAt,
        lastPulledAt: state.pulledAt,
      },
      transform: field,
    });
    if (resolution.conflict && row.id) {
      conflicts.push({
        portalId: options.portalId,
        objectType: options.objectType,
        localId: row.id,
        hubspotId: row.hubspotId,
        property: field.hubspotProperty,
        localValue: localWire,
        hubspotValue: value,
        localChangedAt: row.localChangedAt ?? null,
        hubspotChangedAt: new Date(at),
        policy: field.conflictPolicy,
        winner: resolution.winner,
      });
    }
    if (resolution.winner === 'platform') {
      // The local value stands; remembering HubSpot's value lets the push side see the field as changed, and
      // the outbox entry written with this apply makes sure the push actually happens.
      row.pushBack.add(field.column);
      seen();
      return;
    }
  }
  if (fieldFingerprint(field, localValue) !== fingerprint || !(field.column in row.columns)) {
    row.columns[field.column] = incoming.value;
    row.dirty = true;
  }
  seen();
}

// A row the apply's read did not find can meet, on insert, a merge tombstone that a concurrent takeover
// committed since: it stays a tombstone.
async function writeRows(tx: Db, portalId: string, objectType: ObjectType, rows: WorkingRow[]): Promise<void> {
  const spec = tableFor(objectType);
  const columnEntries = Object.entries(spec.columns);
  const payload = rows.map((row) => {
    const out: Record<string, unknown> = {
      id: row.id ?? null,
      hubspot_id: row.hubspotId,
      properties: row.properties,
      sync_state: row.syncState,
      hubspot_updated_at: row.hubspotUpdatedAt === null ? null : new Date(row.hubspotUpdatedAt).toISOString(),
      archived: row.archived,
      archived_at: row.archivedAt ? row.archivedAt.toISOString() : null,
    };
    for (const [name, column] of columnEntries) {
      const value = row.columns[name] ?? null;
      out[column.sql] = value instanceof Date ? value.toISOString() : value === null ? null : String(value);
    }
    return out;
  });
  const typed = columnEntries.map(([, c]) => `${c.sql} ${c.type}`).join(', ');
  const names = columnEntries.map(([, c]) => c.sql);
  const updates = [...names, 'properties', 'sync_state', 'hubspot_updated_at', 'archived', 'archived_at']
    .map((n) => `${n} = EXCLUDED.${n}`)
    .join(', ');
  await tx.$executeRawUnsafe(
    `INSERT INTO ${spec.table} (id, portal_id, hubspot_id, ${names.join(', ')}, properties, sync_state, hubspot_updated_at, archived, archived_at, updated_at)
     SELECT COALESCE(x.id, gen_random_uuid()), $1, x.hubspot_id, ${names.map((n) => `x.${n}`).join(', ')}, x.properties, x.sync_state,
            x.hubspot_updated_at, x.archived, x.archived_at, now()
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, hubspot_id text, ${typed}, properties jsonb, sync_state jsonb,
            hubspot_updated_at timestamptz, archived boolean, archived_at timestamptz)
     ON CONFLICT (portal_id, hubspot_id) DO UPDATE SET ${updates}, updated_at = now()
     WHERE ${spec.table}.merged_into_id IS NULL`,
    portalId,
    JSON.stringify(payload),
  );
}

/** Outbox entries, in the apply's transaction, for records whose local values won over HubSpot's. */
async function queuePushBack(tx: Db, options: ApplyInboundOptions, rows: WorkingRow[]): Promise<void> {
  const entries = rows
    .filter((row) => row.id && row.pushBack.size > 0)
    .map((row) => ({ local_id: row.id, fields: [...row.pushBack] }));
  if (entries.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox (portal_id, object_type, local_id, fields)
     SELECT $1, $2, x.local_id, x.fields FROM jsonb_to_recordset($3::jsonb) AS x(local_id uuid, fields jsonb)`,
    options.portalId,
    options.objectType,
    JSON.stringify(entries),
  );
}

/** Marks records archived (or restored) by HubSpot id; returns how many rows actually changed. */
export async function markArchived(
  db: Db,
  input: { portalId: string; objectType: ObjectType; hubspotIds: readonly string[]; archived: boolean; at?: Date },
): Promise<number> {
  if (input.hubspotIds.length === 0) return 0;
  const spec = tableFor(input.objectType);
  return db.$executeRawUnsafe(
    `UPDATE ${spec.table} SET archived = $3, archived_at = CASE WHEN $3 THEN COALESCE($4::timestamptz, now()) ELSE NULL END, updated_at = now()
      WHERE portal_id = $1 AND hubspot_id = ANY($2::text[]) AND archived IS DISTINCT FROM $3`,
    input.portalId,
    [...input.hubspotIds],
    input.archived,
    input.at ? input.at.toISOString() : null,
  );
}
