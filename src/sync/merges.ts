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
