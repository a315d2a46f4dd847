// The link a push leaves in HubSpot: every record hubsync creates carries the local row's id. Pure: safe in workflows.

/** Upsert key of new records and the proof, on HubSpot's side, of which local row a record was pushed from. */
export const LOCAL_ID_PROPERTY = 'hubsync_local_id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records that name the local row they were pushed from. A push whose HubSpot write landed but whose local
 * link was lost (a crash in between) is recognised by this: the row is linked, not duplicated.
 */
export function localLinkClaims(
  records: ReadonlyArray<{ hubspotId: string; properties: Readonly<Record<string, string | null | undefined>> }>,
): Array<{ hubspotId: string; localId: string }> {
  return records.flatMap((r) => {
    const localId = r.properties[LOCAL_ID_PROPERTY]?.trim();
    return localId && UUID.test(localId) ? [{ hubspotId: r.hubspotId, localId: localId.toLowerCase() }] : [];
  });
}
