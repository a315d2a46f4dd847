// The object types hubsync keeps in sync and the facts about them that never vary per installation.
// Pure data: safe to import from Temporal workflows.

export const OBJECT_TYPES = ['contacts', 'companies', 'deals', 'tasks', 'tickets', 'owners'] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** Types that are CRM objects (owners come from the read-only owners API, not /crm/v3/objects). */
export type CrmObjectType = Exclude<ObjectType, 'owners'>;

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}

/** HubSpot objectTypeId, as sent by generic `object.*` webhooks. */
export const HUBSPOT_TYPE_IDS: Readonly<Record<CrmObjectType, string>> = {
  contacts: '0-1',
  companies: '0-2',
  deals: '0-3',
  tickets: '0-5',
  tasks: '0-27',
};

/**
 * The typed columns of each Prisma model that a mapping may target. Bookkeeping columns (id, hubspotId,
 * properties, archived, …) are written by the sync itself and are deliberately not mappable.
 * Kept here rather than imported from Prisma so that this module stays free of I/O dependencies.
 */
export const MAPPABLE_COLUMNS: Readonly<Record<ObjectType, readonly string[]>> = {
  contacts: ['email', 'firstName', 'lastName', 'phone', 'jobTitle', 'lifecycleStage', 'ownerId'],
  companies: ['name', 'domain', 'phone', 'industry', 'city', 'country', 'ownerId'],
  deals: ['name', 'stage', 'pipeline', 'amount', 'closeDate', 'ownerId'],
  tasks: ['subject', 'body', 'status', 'priority', 'dueDate', 'ownerId'],
  tickets: ['subject', 'content', 'stage', 'pipeline', 'priority', 'ownerId'],
  owners: ['email', 'firstName', 'lastName', 'userId'],
};
