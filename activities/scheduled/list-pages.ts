import type { CrmObject, CrmTypeRef, HubSpotClient, Owner } from '../../src/hubspot';
import type { InboundRecord } from '../../src/store/hubspot-records';
import type { OwnerTeams } from '../../src/store/owner-teams';
import type { ObjectType } from '../../src/sync/object-types';

// The list pages of the hourly sync and the backfill, for the standard types (sync-pages.ts) and the custom ones
// (custom-object-pages.ts): one request each, HubSpot's largest page.

/** HubSpot's largest page of the v3 object and owner lists. */
export const LIST_PAGE_SIZE = 100;

/** One page of a type's list, live or archived: a standard type, or a custom one by its objectTypeId. */
export function listRecordsPage(
  hubspot: HubSpotClient,
  type: CrmTypeRef,
  opts: { after?: string; archived: boolean; properties: string[] },
): Promise<{ results: CrmObject[]; nextAfter?: string }> {
  return hubspot.listPage(type, {
    after: opts.after,
    limit: LIST_PAGE_SIZE,
    archived: opts.archived,
    properties: opts.properties,
  });
}

/** Ids by the time they were archived: bulk archives share one time, so a page takes a statement or two. */
export function groupIdsByTime<T>(entries: ReadonlyArray<{ id: string; at: T }>): Map<T, string[]> {
  const byTime = new Map<T, string[]>();
  for (const { id, at } of entries) byTime.set(at, [...(byTime.get(at) ?? []), id]);
  return byTime;
}

export function fromCrmObject(record: CrmObject): InboundRecord {
  return {
    hubspotId: record.id,
    properties: record.properties,
    archived: record.archived,
    changedAt: Date.parse(record.updatedAt),
  };
}

/** Owners are not CRM objects; their API fields stand in for properties, as the owners mapping expects. */
function fromOwner(owner: Owner): InboundRecord {
  return {
    hubspotId: owner.id,
    properties: {
      email: owner.email ?? null,
      firstName: owner.firstName ?? null,
      lastName: owner.lastName ?? null,
      userId: owner.userId === null || owner.userId === undefined ? null : String(owner.userId),
      updatedAt: owner.updatedAt,
    },
    archived: owner.archived,
    changedAt: Date.parse(owner.updatedAt),
  };
}

/** The teams HubSpot lists per owner (none listed: none, e.g. on tiers without teams). */
function teamsOf(owner: Owner): OwnerTeams {
  return {
    hubspotId: owner.id,
    teams: (owner.teams ?? []).map((t) => ({ id: t.id, name: t.name, primary: t.primary === true })),
  };
}

/** A standard type's list page as inbound records (owners: from the owners API, with their teams). */
export async function fetchListPage(
  hubspot: HubSpotClient,
  objectType: ObjectType,
  opts: { after?: string; archived: boolean; properties: string[] },
): Promise<{
  records: InboundRecord[];
  nextAfter?: string;
  archivedAt: Array<Date | undefined>;
  /** Owners only: each listed owner's teams, stored beside the row (saveOwnerTeams). */
  teams?: OwnerTeams[];
}> {
  if (objectType === 'owners') {
    const page = await hubspot.listOwnersPage({ after: opts.after, limit: LIST_PAGE_SIZE, archived: opts.archived });
    return {
      records: page.results.map(fromOwner),
      nextAfter: page.nextAfter,
      archivedAt: page.results.map(() => undefined),
      teams: page.results.map(teamsOf),
    };
  }
  const page = await listRecordsPage(hubspot, objectType, opts);
  return {
    records: page.results.map(fromCrmObject),
    nextAfter: page.nextAfter,
    archivedAt: page.results.map((r) => (r.archivedAt ? new Date(r.archivedAt) : undefined)),
  };
}
