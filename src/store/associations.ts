// The associations table: one row per (pair in canonical order, HubSpot association type id as seen from the
// pair's from end). Type id 0 is "linked, type not yet read": legacy webhooks name the pair only. Every write is
// guarded by last_event_at, so whatever arrives late — a webhook, a sync read, the echo of a push — never
// undoes a newer change. Batched statements only; the rules are in src/sync/associations.ts and association-read.ts.
import { associationEndpoints, canonicalAssociation } from '../sync/associations';
import type { AssociationFact } from '../sync/association-read';
import { CRM_OBJECT_TYPES, type CrmObjectType } from '../sync/object-types';
import type { PlannedAssociation } from '../sync/pending-changes';
import { shareAssociationLock } from './association-lock';
import type { Db } from './prisma';
import { MAX_MERGE_HOPS } from './inbound-lifecycle';
import { tableFor } from './tables';

export interface PairScope {
  portalId: string;
  fromType: string;
  toType: string;
}

/** Live rows of a pair: the mass-archive guard's base. */
export async function countLiveAssociations(db: Db, scope: PairScope): Promise<number> {
  const rows = await db.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM associations WHERE portal_id = $1 AND from_type = $2 AND to_type = $3 AND NOT archived`,
    scope.portalId,
    scope.fromType,
    scope.toType,
  );
  return rows[0]?.n ?? 0;
}

export interface SnapshotInput extends PairScope {
  /** Records HubSpot answered for: their associations of the pair are exactly `found`. */
  answered: readonly string[];
  found: readonly AssociationFact[];
  /** When the read began: a row changed after it (a webhook) is newer than the answer and kept as it is. */
  readAt: Date;
}

const factsJson = (found: readonly AssociationFact[]) =>
  JSON.stringify(
    found.map((f) => ({ from_id: f.fromId, to_id: f.toId, type_id: f.typeId, category: f.category, label: f.label })),
  );

const FACTS = `jsonb_to_recordset($4::jsonb) AS x(from_id text, to_id text, type_id int, category text, label text)`;

// Live rows of answered records that the answer does not list (a type-0 row is listed when its pair is), when
// their other end is one whose associations HubSpot would list: held live locally. HubSpot lists none of a
// deleted record's associations and its restore brings them back (src/simulator/store.ts, listedTargets, cites
// the docs), so a row whose end is archived locally, or not held at all (deleted before hubsync saw it live), is
// kept for that restore. Merged-away and erased ends never come back: their rows go.
const stale = (
  toType: string,
) => `a.portal_id = $1 AND a.from_type = $2 AND a.to_type = $3 AND a.from_id = ANY($5::text[]) AND NOT a.archived
  AND (a.last_event_at IS NULL OR a.last_event_at < $6::timestamptz)
  AND NOT EXISTS (SELECT 1 FROM ${FACTS}
                   WHERE x.from_id = a.from_id AND x.to_id = a.to_id
                     AND (x.type_id = a.association_type_id OR a.association_type_id = 0))
  AND (EXISTS (${endGoneOrLive(toType)})
       OR EXISTS (SELECT 1 FROM privacy_erasures e WHERE e.portal_id = $1 AND e.object_type = $3 AND e.hubspot_id = a.to_id))`;

/** The to end's row when it is live or merged away (custom objects are never merged). */
const endGoneOrLive = (toType: string) =>
  (CRM_OBJECT_TYPES as readonly string[]).includes(toType)
    ? `SELECT 1 FROM ${tableFor(toType as CrmObjectType).table} r
        WHERE r.portal_id = $1 AND r.hubspot_id = a.to_id AND (NOT r.archived OR r.merged_into_id IS NOT NULL)`
    : `SELECT 1 FROM custom_object_records r
        WHERE r.portal_id = $1 AND r.object_type_id = $3 AND r.hubspot_id = a.to_id AND NOT r.archived`;

const snapshotArgs = (input: SnapshotInput) =>
  [
    input.portalId,
    input.fromType,
    input.toType,
    factsJson(input.found),
    [...input.answered],
    input.readAt.toISOString(),
  ] as const;

/** How many rows `archiveStale` would archive. */
export async function countStale(db: Db, input: SnapshotInput): Promise<number> {
  if (input.answered.length === 0) return 0;
  const rows = await db.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM associations a WHERE ${stale(input.toType)}`,
    ...snapshotArgs(input),
  );
  return rows[0]?.n ?? 0;
}

/** Archives the answered records' rows the answer no longer lists. */
export async function archiveStale(db: Db, input: SnapshotInput): Promise<number> {
  if (input.answered.length === 0) return 0;
  return db.$executeRawUnsafe(
    `UPDATE associations a SET archived = true, last_event_at = $6::timestamptz, updated_at = now() WHERE ${stale(input.toType)}`,
    ...snapshotArgs(input),
  );
}

/**
 * Stores what HubSpot listed: new rows inserted, archived ones revived, a changed category or label updated;
 * a row already holding the fact is not written (a read of our own push changes nothing). A type-0 row whose
 * pair is now listed with its types is superseded (deleted). Returns the rows written.
 */
export async function saveListed(db: Db, input: SnapshotInput): Promise<number> {
  if (input.found.length === 0) return 0;
  const args = [input.portalId, input.fromType, input.toType, factsJson(input.found), input.readAt.toISOString()];
  await db.$executeRawUnsafe(
    `DELETE FROM associations a USING ${FACTS}
      WHERE a.portal_id = $1 AND a.from_type = $2 AND a.to_type = $3 AND a.association_type_id = 0
        AND a.from_id = x.from_id AND a.to_id = x.to_id
        AND (a.last_event_at IS NULL OR a.last_event_at < $5::timestamptz)`,
    ...args,
  );
  return db.$executeRawUnsafe(
    `INSERT INTO associations (portal_id, from_type, from_id, to_type, to_id, association_type_id, association_category, label, archived, last_event_at, updated_at)
     SELECT $1, $2, x.from_id, $3, x.to_id, x.type_id, x.category, x.label, false, $5::timestamptz, now() FROM ${FACTS}
     ORDER BY x.from_id, x.to_id, x.type_id
     ON CONFLICT (portal_id, from_type, from_id, to_type, to_id, association_type_id) DO UPDATE
       SET archived = false, association_category = EXCLUDED.association_category, label = EXCLUDED.label,
           last_event_at = EXCLUDED.last_event_at, updated_at = now()
     WHERE (associations.archived OR associations.association_category IS DISTINCT FROM EXCLUDED.association_category
            OR associations.label IS DISTINCT FROM EXCLUDED.label)
       AND (associations.last_event_at IS NULL OR associations.last_event_at < EXCLUDED.last_event_at)`,
    ...args,
  );
}

interface EventRow {
  from_type: string;
  from_id: string;
  to_type: string;
  to_id: string;
  type_id: number;
  category: string | null;
  archived: boolean;
  at: string;
}

/**
 * Association webhook events. An event from the pair's from end with a type id lands on that type's row; any
 * other (a legacy event, or the other end's, whose type id names the reverse direction) on the type-0 row,
 * unless a typed row of the pair is live already. An addition older than a removal recorded on another row of
 * the pair (a typed or pushed removal on the typed rows, an untyped one on the type-0 row) is not stored. A removal without a usable type id archives every row of
 * the pair; a typed removal archives its row and the type-0 row. Newest wins, whatever the order. Events carry
 * no label name: a typed row takes its label from the definitions the last sync run read (association_labels).
 */
export async function applyAssociationChanges(
  db: Db,
  portalId: string,
  changes: readonly PlannedAssociation[],
): Promise<number> {
  const located = changes.flatMap((change) => {
    const ends = associationEndpoints(change.associationType);
    return ends ? [{ change, ends }] : [];
  });
  const ends = located.flatMap(({ change, ends }) => [
    { type: ends.fromType, id: change.fromObjectId },
    { type: ends.toType, id: change.toObjectId },
  ]);
  if (located.length === 0) return 0;
  await shareAssociationLock(db, portalId);
  const survivors = await survivorsOf(db, portalId, ends);
  const current = (type: CrmObjectType, id: string) => survivors.get(`${type}|${id}`) ?? id;
  const erased = await erasedAmong(db, portalId, [...ends, ...ends.map((e) => ({ ...e, id: current(e.type, e.id) }))]);
  const isErased = (type: CrmObjectType, id: string) =>
    erased.has(`${type}|${id}`) || erased.has(`${type}|${current(type, id)}`);
  const newest = new Map<string, EventRow>();
  for (const { change, ends } of located) {
    // A late event about a record erased for privacy, or merged into one erased since, must not bring its
    // association back.
    if (isErased(ends.fromType, change.fromObjectId) || isErased(ends.toType, change.toObjectId)) continue;
    const c = canonicalAssociation(
      ends.fromType,
      current(ends.fromType, change.fromObjectId),
      ends.toType,
      current(ends.toType, change.toObjectId),
    );
    const typed = !c.swapped && change.associationTypeId !== undefined && change.associationTypeId > 0;
    const row: EventRow = {
      from_type: c.fromType,
      from_id: c.fromId,
      to_type: c.toType,
      to_id: c.toId,
      type_id: typed ? (change.associationTypeId as number) : 0,
      category: typed ? (change.associationCategory ?? null) : null,
      archived: change.removed,
      at: new Date(change.occurredAt).toISOString(),
    };
    const key = `${row.from_type}|${row.from_id}|${row.to_type}|${row.to_id}|${row.type_id}`;
    const prior = newest.get(key);
    if (!prior || prior.at < row.at) newest.set(key, row);
  }
  if (newest.size === 0) return 0;
  // Sorted so concurrent applies (the two sides' workflows) lock rows in the same order.
  const ordered = [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  const rows = JSON.stringify(ordered);
  const RECORDS = `jsonb_to_recordset($2::jsonb) AS x(from_type text, from_id text, to_type text, to_id text, type_id int, category text, archived boolean, at timestamptz)`;
  const SAME_PAIR = `a.portal_id = $1 AND a.from_type = x.from_type AND a.from_id = x.from_id AND a.to_type = x.to_type AND a.to_id = x.to_id`;
  // Removals reach the pair's other rows: all of them (untyped removal) or its type-0 row (typed removal).
  const archivedOthers = await db.$executeRawUnsafe(
    `UPDATE associations a SET archived = true, last_event_at = x.at, updated_at = now() FROM ${RECORDS}
      WHERE x.archived AND ${SAME_PAIR} AND a.association_type_id <> x.type_id AND NOT a.archived
        AND (x.type_id = 0 OR a.association_type_id = 0) AND (a.last_event_at IS NULL OR a.last_event_at < x.at)`,
    portalId,
    rows,
  );
  // A typed addition supersedes the pair's older type-0 row.
  await db.$executeRawUnsafe(
    `DELETE FROM associations a USING ${RECORDS}
      WHERE NOT x.archived AND x.type_id <> 0 AND ${SAME_PAIR} AND a.association_type_id = 0
        AND (a.last_event_at IS NULL OR a.last_event_at < x.at)`,
    portalId,
    rows,
  );
  const written = await db.$executeRawUnsafe(
    `INSERT INTO associations (portal_id, from_type, from_id, to_type, to_id, association_type_id, association_category, label, archived, last_event_at, updated_at)
     SELECT $1, x.from_type, x.from_id, x.to_type, x.to_id, x.type_id, x.category,
            (SELECT l.label FROM association_labels l WHERE l.portal_id = $1 AND l.from_type = x.from_type
                AND l.to_type = x.to_type AND l.type_id = x.type_id),
            x.archived, x.at, now() FROM ${RECORDS}
      WHERE x.archived
         OR (x.type_id <> 0 AND NOT EXISTS (SELECT 1 FROM associations a WHERE ${SAME_PAIR} AND a.association_type_id = 0
                                             AND a.archived AND a.last_event_at >= x.at))
         OR (x.type_id = 0 AND NOT EXISTS (SELECT 1 FROM associations a WHERE ${SAME_PAIR} AND a.association_type_id <> 0
                                            AND (NOT a.archived OR a.last_event_at >= x.at)))
     ON CONFLICT (portal_id, from_type, from_id, to_type, to_id, association_type_id) DO UPDATE
       SET archived = EXCLUDED.archived, last_event_at = EXCLUDED.last_event_at, updated_at = now(),
           association_category = COALESCE(EXCLUDED.association_category, associations.association_category),
           label = COALESCE(EXCLUDED.label, associations.label)
     WHERE associations.last_event_at IS NULL OR associations.last_event_at < EXCLUDED.last_event_at`,
    portalId,
    rows,
  );
  // An untyped addition (a legacy event) of a pair already live under a typed row names no type: it still says
  // HubSpot touched the pair then, which the conflict rule weighs (a platform change older than it loses).
  await db.$executeRawUnsafe(
    `UPDATE associations a SET last_event_at = x.at FROM ${RECORDS}
      WHERE NOT x.archived AND x.type_id = 0 AND ${SAME_PAIR} AND a.association_type_id <> 0 AND NOT a.archived
        AND a.last_event_at < x.at`,
    portalId,
    rows,
  );
  return written + archivedOthers;
}

/**
 * Merged-away ids among `ends`, keyed `type|id`, mapped to the record that now holds them. HubSpot moves a
 * merged record's associations to the survivor, so an event about a merged id that arrives after the merge
 * (a retry, a late delivery) describes the survivor's association, not the tombstone's.
 */
async function survivorsOf(
  db: Db,
  portalId: string,
  ends: ReadonlyArray<{ type: CrmObjectType; id: string }>,
): Promise<Map<string, string>> {
  const key = (type: CrmObjectType, id: string) => `${type}|${id}`;
  const mergedInto = new Map<string, string>();
  let pending = ends;
  for (let hop = 0; hop < MAX_MERGE_HOPS && pending.length > 0; hop++) {
    const byType = new Map<CrmObjectType, Set<string>>();
    for (const { type, id } of pending) byType.set(type, (byType.get(type) ?? new Set()).add(id));
    const next: Array<{ type: CrmObjectType; id: string }> = [];
    for (const [type, ids] of byType) {
      const rows = await db.$queryRawUnsafe<Array<{ hubspot_id: string; merged_into_id: string }>>(
        `SELECT hubspot_id, merged_into_id FROM ${tableFor(type).table}
          WHERE portal_id = $1 AND hubspot_id = ANY($2::text[]) AND merged_into_id IS NOT NULL AND merged_into_id <> hubspot_id`,
        portalId,
        [...ids],
      );
      for (const row of rows) {
        mergedInto.set(key(type, row.hubspot_id), row.merged_into_id);
        if (!mergedInto.has(key(type, row.merged_into_id))) next.push({ type, id: row.merged_into_id });
      }
    }
    pending = next;
  }
  const survivors = new Map<string, string>();
  for (const { type, id } of ends) {
    let current = id;
    for (let hop = 0; hop < MAX_MERGE_HOPS && mergedInto.has(key(type, current)); hop++) {
      current = mergedInto.get(key(type, current))!;
    }
    if (current !== id) survivors.set(key(type, id), current);
  }
  return survivors;
}

/** `type|id` of the ends HubSpot erased for privacy (their associations were removed with them). */
async function erasedAmong(
  db: Db,
  portalId: string,
  ends: ReadonlyArray<{ type: CrmObjectType; id: string }>,
): Promise<Set<string>> {
  if (ends.length === 0) return new Set();
  const rows = await db.$queryRawUnsafe<Array<{ object_type: string; hubspot_id: string }>>(
    `SELECT object_type, hubspot_id FROM privacy_erasures WHERE portal_id = $1 AND hubspot_id = ANY($2::text[])`,
    portalId,
    [...new Set(ends.map((e) => e.id))],
  );
  return new Set(rows.map((r) => `${r.object_type}|${r.hubspot_id}`));
}

export interface PushedAssociation {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  typeId: number;
  category: string;
  label: string | null;
  archived: boolean;
  at: Date;
}

/**
 * What a push made true in HubSpot, stored before its webhooks come back (which are then echoes): the row holds
 * the state, so neither the echo nor the next sync read has anything to change.
 */
export async function savePushedAssociations(
  db: Db,
  portalId: string,
  pushed: readonly PushedAssociation[],
): Promise<number> {
  if (pushed.length === 0) return 0;
  return db.$executeRawUnsafe(
    `INSERT INTO associations (portal_id, from_type, from_id, to_type, to_id, association_type_id, association_category, label, archived, last_event_at, updated_at)
     SELECT $1, x.from_type, x.from_id, x.to_type, x.to_id, x.type_id, x.category, x.label, x.archived, x.at, now()
       FROM jsonb_to_recordset($2::jsonb) AS x(from_type text, from_id text, to_type text, to_id text, type_id int, category text, label text, archived boolean, at timestamptz)
     ORDER BY x.from_type, x.from_id, x.to_type, x.to_id, x.type_id
     ON CONFLICT (portal_id, from_type, from_id, to_type, to_id, association_type_id) DO UPDATE
       SET archived = EXCLUDED.archived, association_category = EXCLUDED.association_category, label = EXCLUDED.label,
           last_event_at = EXCLUDED.last_event_at, updated_at = now()
     WHERE associations.last_event_at IS NULL OR associations.last_event_at < EXCLUDED.last_event_at`,
    portalId,
    JSON.stringify(
      pushed.map((p) => ({
        from_type: p.fromType,
        from_id: p.fromId,
        to_type: p.toType,
        to_id: p.toId,
        type_id: p.typeId,
        category: p.category,
        label: p.label,
        archived: p.archived,
        at: p.at.toISOString(),
      })),
    ),
  );
}

/** HubSpot ids of live platform rows of one type, by local id (rows without one are left out). */
export async function hubspotIdsOf(
  db: Db,
  table: string,
  portalId: string,
  localIds: readonly string[],
): Promise<Map<string, string>> {
  if (localIds.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<Array<{ id: string; hubspot_id: string }>>(
    `SELECT id::text AS id, hubspot_id FROM ${table}
      WHERE portal_id = $1 AND id = ANY($2::uuid[]) AND NOT archived AND hubspot_id IS NOT NULL`,
    portalId,
    [...localIds],
  );
  return new Map(rows.map((r) => [r.id, r.hubspot_id]));
}

export interface StoredAssociation {
  fromType: string;
  fromId: string;
  toType: string;
  toId: string;
  typeId: number;
  archived: boolean;
  lastEventAt: number | null;
}

/** Every row (any type id) of the given pairs, in stored order. */
export async function loadAssociationRows(
  db: Db,
  portalId: string,
  pairs: ReadonlyArray<{ fromType: string; fromId: string; toType: string; toId: string }>,
): Promise<StoredAssociation[]> {
  if (pairs.length === 0) return [];
  const rows = await db.$queryRawUnsafe<
    Array<{
      from_type: string;
      from_id: string;
      to_type: string;
      to_id: string;
      association_type_id: number;
      archived: boolean;
      last_event_at: Date | null;
    }>
  >(
    `SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.association_type_id, a.archived, a.last_event_at
       FROM associations a JOIN jsonb_to_recordset($2::jsonb) AS x(from_type text, from_id text, to_type text, to_id text)
         ON a.from_type = x.from_type AND a.from_id = x.from_id AND a.to_type = x.to_type AND a.to_id = x.to_id
      WHERE a.portal_id = $1`,
    portalId,
    JSON.stringify(pairs.map((p) => ({ from_type: p.fromType, from_id: p.fromId, to_type: p.toType, to_id: p.toId }))),
  );
  return rows.map((r) => ({
    fromType: r.from_type,
    fromId: r.from_id,
    toType: r.to_type,
    toId: r.to_id,
    typeId: r.association_type_id,
    archived: r.archived,
    lastEventAt: r.last_event_at?.getTime() ?? null,
  }));
}

/** A pushed removal of the whole association: every row of each pair is archived (HubSpot's batch/archive). */
export async function archivePushedPairs(
  db: Db,
  portalId: string,
  pairs: ReadonlyArray<{ fromType: string; fromId: string; toType: string; toId: string; at: Date }>,
): Promise<number> {
  if (pairs.length === 0) return 0;
  return db.$executeRawUnsafe(
    `UPDATE associations a SET archived = true, last_event_at = x.at, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS x(from_type text, from_id text, to_type text, to_id text, at timestamptz)
      WHERE a.portal_id = $1 AND a.from_type = x.from_type AND a.from_id = x.from_id AND a.to_type = x.to_type
        AND a.to_id = x.to_id AND NOT a.archived AND (a.last_event_at IS NULL OR a.last_event_at < x.at)`,
    portalId,
    JSON.stringify(
      pairs.map((p) => ({
        from_type: p.fromType,
        from_id: p.fromId,
        to_type: p.toType,
        to_id: p.toId,
        at: p.at.toISOString(),
      })),
    ),
  );
}
