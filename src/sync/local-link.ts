// The link a push leaves in HubSpot: every record hubsync creates carries the local row's id. Pure: safe in workflows.
import { API_CHANGE_SOURCES } from './echo';
import type { DrainPlan } from './pending-changes';

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

/**
 * Whether a drained plan's property changes must wait for the record's full read: they were made through the
 * API (a push's own write among them) to a record with no local row. Applied alone they would insert a second
 * row for a record a push created from an existing one, whenever the webhook beats the push's recording of
 * the link (or the recording is lost with its worker); the full record names that row in hubsync_local_id,
 * so the row is linked instead. Changes from HubSpot's users still insert from their values, without a read.
 */
export function mustReadRecordFirst(
  plan: Pick<DrainPlan, 'properties' | 'lifecycle'>,
  local: { rowExists: boolean; recordRead: boolean },
): boolean {
  if (local.rowExists || local.recordRead || plan.lifecycle === 'archived' || plan.lifecycle === 'privacyDeleted')
    return false;
  return Object.values(plan.properties).some(
    (change) => change.changeSource !== undefined && API_CHANGE_SOURCES.has(change.changeSource),
  );
}
