// HubSpot merges as a full record shows them. Pure: safe in workflows.

/** The survivor of a merge lists every id it absorbed (also through earlier merges), ";"-joined. */
export const MERGED_IDS_PROPERTY = 'hs_merged_object_ids';

/** The ids a fetched record absorbed, without its own id (HubSpot never lists it, but a hand-edited value might). */
export function mergedObjectIds(
  hubspotId: string,
  properties: Readonly<Record<string, string | null | undefined>>,
): string[] {
  const listed = properties[MERGED_IDS_PROPERTY];
  if (!listed) return [];
  return [...new Set(listed.split(';').map((id) => id.trim()))].filter((id) => id !== '' && id !== hubspotId);
}

/**
 * The ids a merge's survivor takes over. HubSpot's current merge of contacts and companies creates a NEW
 * record (changelog "Updated merge functionality for contacts and companies": the event's newObjectId differs
 * from primaryObjectId) and both old ids resolve to it, so the former primary is absorbed too, not only the
 * ids listed in mergedObjectIds. Its local row is the one adopted by the new id (the platform's references
 * to the primary stay valid); the others are archived as merged into it.
 */
export function absorbedByMerge(
  survivorId: string,
  merge: { primaryObjectId: string; mergedObjectIds: readonly string[] },
): string[] {
  return [...new Set([merge.primaryObjectId, ...merge.mergedObjectIds])].filter((id) => id !== survivorId);
}

/** A merge event as the webhook path plans it (PlannedMerge in pending-changes.ts). */
export interface MergeEventPlan {
  primaryObjectId: string;
  mergedObjectIds: readonly string[];
  /** The merge's survivor; '' or absent when the event did not name a new record. */
  newObjectId?: string;
}

/** Which records a survivor takes over locally: the one row it adopts is the primary's, when known. */
export interface MergeTakeover {
  survivorId: string;
  primaryId: string | null;
  mergedIds: string[];
}

/**
 * The merge takeover due when a record's webhook events are applied, by where the record's truth is now:
 * - `here` (absent): the record, or the new record its pending merge created, is the survivor;
 * - `mergedInto`: an earlier merge already handed the record to a local survivor, which takes over the
 *   pending merge as well;
 * - `readAs`: HubSpot answered the record's read with another record (it was merged away before its events
 *   were applied). That survivor lists every id it absorbed, the former primary included, so a lost merge
 *   webhook loses nothing but the primary's name: without it the oldest local row is the one adopted.
 * Undefined when there is nothing to take over (no pending merge, and the record reads as itself).
 */
export function mergeTakeover(
  objectId: string,
  merge: MergeEventPlan | undefined,
  where?: { mergedInto: string } | { readAs: { id: string; properties: Readonly<Record<string, string | null>> } },
): MergeTakeover | undefined {
  if (where && 'readAs' in where) {
    const survivorId = where.readAs.id;
    const mergedIds = absorbedByMerge(survivorId, {
      primaryObjectId: merge?.primaryObjectId ?? objectId,
      mergedObjectIds: [
        objectId,
        ...(merge?.mergedObjectIds ?? []),
        ...mergedObjectIds(survivorId, where.readAs.properties),
      ],
    });
    return { survivorId, primaryId: merge?.primaryObjectId ?? null, mergedIds };
  }
  if (!merge) return undefined;
  const survivorId = where?.mergedInto ?? (merge.newObjectId || objectId);
  return { survivorId, primaryId: merge.primaryObjectId, mergedIds: absorbedByMerge(survivorId, merge) };
}
