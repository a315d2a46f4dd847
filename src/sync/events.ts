// HubSpot webhook events as the sync rules see them, their identity and the object type they concern.
// Imported by Temporal workflows: no node:* imports, no clock, no randomness.
import { isCustomObjectTypeId, type CustomObjectTypeId } from './custom-objects';
import { HUBSPOT_TYPE_IDS, type CrmObjectType } from './object-types';

/** HubSpot sends ids as JSON numbers; strings are accepted so an HTTP layer may keep them exact. */
export type HubSpotId = number | string;

/** One webhook event (fields per HubSpot's webhook payload). The HTTP layer validates with its own schema. */
export interface HubSpotWebhookEvent {
  readonly eventId: HubSpotId;
  readonly subscriptionId?: HubSpotId;
  readonly portalId?: HubSpotId;
  readonly appId?: HubSpotId;
  /** Epoch milliseconds. */
  readonly occurredAt: number;
  /** e.g. `contact.propertyChange`, `object.creation`. */
  readonly subscriptionType: string;
  readonly attemptNumber?: number;
  readonly objectId: HubSpotId;
  readonly changeSource?: string;
  readonly changeFlag?: string;
  readonly sourceId?: string;
  readonly propertyName?: string;
  readonly propertyValue?: string | null;
  readonly primaryObjectId?: HubSpotId;
  readonly mergedObjectIds?: readonly HubSpotId[];
  readonly newObjectId?: HubSpotId;
  readonly numberOfPropertiesMoved?: number;
  readonly associationType?: string;
  readonly fromObjectId?: HubSpotId;
  readonly toObjectId?: HubSpotId;
  readonly associationRemoved?: boolean;
  readonly isPrimaryAssociation?: boolean;
  /** Generic `object.*` events only, e.g. '0-27' for tasks (an association event: its from end's). */
  readonly objectTypeId?: string;
  /** Generic `object.associationChange` only: the two ends' object types and HubSpot's association type. */
  readonly fromObjectTypeId?: string;
  readonly toObjectTypeId?: string;
  readonly associationTypeId?: number;
  readonly associationCategory?: string;
}

export const EVENT_KINDS = [
  'creation',
  'deletion',
  'propertyChange',
  'merge',
  'restore',
  'associationChange',
  'privacyDeletion',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The part of subscriptionType after the dot; undefined for kinds hubsync does not handle. */
export function eventKind(event: Pick<HubSpotWebhookEvent, 'subscriptionType'>): EventKind | undefined {
  const dot = event.subscriptionType.indexOf('.');
  const suffix = dot < 0 ? '' : event.subscriptionType.slice(dot + 1);
  return (EVENT_KINDS as readonly string[]).includes(suffix) ? (suffix as EventKind) : undefined;
}

const TYPE_BY_PREFIX: Readonly<Record<string, CrmObjectType>> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
  ticket: 'tickets',
  line_item: 'line_items',
  product: 'products',
};

const TYPE_BY_ID: Readonly<Record<string, CrmObjectType>> = Object.fromEntries(
  Object.entries(HUBSPOT_TYPE_IDS).map(([type, id]) => [id, type as CrmObjectType]),
);

/** The synced object type of a HubSpot objectTypeId ('0-1' → contacts); undefined for any other. */
export function objectTypeOfTypeId(typeId: string): CrmObjectType | undefined {
  return Object.hasOwn(TYPE_BY_ID, typeId) ? TYPE_BY_ID[typeId] : undefined;
}

/**
 * Object type an event concerns: a synced type, or a custom object's type id (`object.*` of `2-…`); undefined
 * for objects hubsync does not sync (e.g. `object.*` of a quote).
 */
export function objectTypeOfEvent(
  event: Pick<HubSpotWebhookEvent, 'subscriptionType' | 'objectTypeId'>,
): CrmObjectType | CustomObjectTypeId | undefined {
  const prefix = event.subscriptionType.split('.', 1)[0] ?? '';
  if (prefix === 'object' && event.objectTypeId !== undefined && isCustomObjectTypeId(event.objectTypeId))
    return event.objectTypeId;
  if (prefix === 'object') return event.objectTypeId === undefined ? undefined : objectTypeOfTypeId(event.objectTypeId);
  return Object.hasOwn(TYPE_BY_PREFIX, prefix) ? TYPE_BY_PREFIX[prefix] : undefined;
}

/**
 * Identity of an event for deduplication (ProcessedWebhookEvent.dedupeKey). HubSpot does not promise
 * eventId is unique, so it is combined with occurredAt, subscriptionType and objectId; property changes
 * add the property, since one eventId may cover several properties.
 */
export function dedupeKey(event: HubSpotWebhookEvent): string {
  const base = `${String(event.eventId)}:${event.occurredAt}:${event.subscriptionType}:${String(event.objectId)}`;
  return event.propertyName === undefined ? base : `${base}:${event.propertyName}`;
}
