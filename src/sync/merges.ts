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
