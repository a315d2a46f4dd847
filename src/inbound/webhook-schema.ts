import { z } from 'zod';
import { associationTypeName } from '../sync/associations';
import { isCustomObjectTypeId } from '../sync/custom-objects';
import { objectTypeOfEvent, objectTypeOfTypeId, type HubSpotWebhookEvent } from '../sync/events';

// The HTTP layer's own schema of a webhook request body (HubSpot's payload). The body as a whole must be a
// JSON array of at most 100 events; each event is then judged alone, so one event hubsync cannot take never
// costs the others (HubSpot sends every subscription of the app in one batch: line items, products, generic
// `object.*` events of any object type). Unknown fields are dropped so new HubSpot fields never break
// delivery; HubSpot may send `null` for any optional field.

/**
 * HubSpot sends ids as JSON numbers; numeric strings are accepted too. A number beyond 2^53 has already lost
 * digits in JSON.parse and would name a different record: refused. Never fractional or negative.
 */
const ID_RANGE_MESSAGE = 'id beyond 2^53 cannot be read exactly from a JSON number';
const hubspotId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a numeric id')]);
// zod's int() refuses numbers beyond Number.MAX_SAFE_INTEGER with this issue.
const beyondSafeRange = (issue: z.core.$ZodIssue) =>
  issue.code === 'too_big' && Number(issue.maximum) === Number.MAX_SAFE_INTEGER;
const text = z.string().max(1_000);
const objectTypeId = z.string().regex(/^\d+-\d+$/, 'must look like "0-27"');

const eventSchema = z
  .object({
    eventId: hubspotId,
    subscriptionId: hubspotId.nullish(),
    portalId: hubspotId,
    appId: hubspotId.nullish(),
    occurredAt: z.number().int().positive(),
    // Object names may hold "_" (line_item.creation).
    subscriptionType: z.string().regex(/^[a-z_]+\.[A-Za-z]+$/, 'must look like "contact.creation"'),
    attemptNumber: z.number().int().nonnegative().nullish(),
    // Association events name their two ends instead (fromObjectId is the side that reports).
    objectId: hubspotId.nullish(),
    changeSource: text.nullish(),
    changeFlag: text.nullish(),
    sourceId: text.nullish(),
    propertyName: text.nullish(),
    // HubSpot property values are strings; long text properties hold up to 64 KB.
    propertyValue: z.string().max(65_536).nullish(),
    primaryObjectId: hubspotId.nullish(),
    mergedObjectIds: z.array(hubspotId).max(1_000).nullish(),
    newObjectId: hubspotId.nullish(),
    numberOfPropertiesMoved: z.number().int().nonnegative().nullish(),
    associationType: text.nullish(),
    fromObjectId: hubspotId.nullish(),
    toObjectId: hubspotId.nullish(),
    associationRemoved: z.boolean().nullish(),
    isPrimaryAssociation: z.boolean().nullish(),
    objectTypeId: objectTypeId.nullish(),
    // Generic object.associationChange (HubSpot changelog "Public Beta: Generic Webhook Subscriptions").
    fromObjectTypeId: objectTypeId.nullish(),
    toObjectTypeId: objectTypeId.nullish(),
    associationTypeId: z.number().int().nonnegative().nullish(),
    associationCategory: text.nullish(),
  })
  .superRefine((event, ctx) => {
    const kind = event.subscriptionType.slice(event.subscriptionType.indexOf('.') + 1);
    const generic = event.subscriptionType.startsWith('object.');
    const need = (...fields: Array<keyof typeof event>) => {
      for (const field of fields)
        if (event[field] === undefined || event[field] === null)
          ctx.addIssue({ code: 'custom', path: [field], message: `required for ${event.subscriptionType} events` });
    };
    if (kind === 'propertyChange') need('propertyName');
    if (kind === 'associationChange' && generic)
      need('fromObjectTypeId', 'toObjectTypeId', 'fromObjectId', 'toObjectId');
    else if (kind === 'associationChange') need('associationType', 'fromObjectId', 'toObjectId');
    else need('objectId');
    if (generic && kind !== 'associationChange') need('objectTypeId');
  });

type ParsedEvent = z.infer<typeof eventSchema>;

/** HubSpot sends fewer than 100 events a request; more is not a HubSpot request. */
export const MAX_EVENTS_PER_REQUEST = 100;

/** The request body's shape, as the OpenAPI document shows it; the route judges each event on its own. */
export const webhookBatchSchema = z.array(eventSchema).min(1).max(MAX_EVENTS_PER_REQUEST);

/** Why an event was refused: the label of hubsync_webhook_events_refused_total and the dead letter's reason. */
export type RefusalReason = 'invalid_event' | 'id_out_of_range' | 'unsynced_type' | 'unknown_portal';

export interface RefusedEvent {
  /** Position in the request's array. */
  index: number;
  reason: RefusalReason;
  /** Names the field or the type, e.g. `[3].propertyName: required for contact.propertyChange events`. */
  message: string;
  event: unknown;
}

export type ParsedBatch =
  { ok: true; events: HubSpotWebhookEvent[]; refused: RefusedEvent[] } | { ok: false; message: string };

export interface BatchJudgement {
  /** Portals this installation serves; events of any other are refused. */
  servedPortals: ReadonlySet<string>;
}

/** Validates a parsed JSON body: refuses it as a whole only when it is not an array of 1–100 events. */
export function parseWebhookBatch(body: unknown, judgement: BatchJudgement): ParsedBatch {
  if (!Array.isArray(body)) return { ok: false, message: 'body must be a JSON array of events' };
  if (body.length === 0) return { ok: false, message: 'body must hold at least one event' };
  if (body.length > MAX_EVENTS_PER_REQUEST)
    return { ok: false, message: `body holds ${body.length} events; HubSpot sends at most ${MAX_EVENTS_PER_REQUEST}` };
  const events: HubSpotWebhookEvent[] = [];
  const refused: RefusedEvent[] = [];
  body.forEach((raw: unknown, index) => {
    const verdict = judgeEvent(raw, index, judgement);
    if ('reason' in verdict) refused.push({ index, event: raw, ...verdict });
    else events.push(verdict.event);
  });
  return { ok: true, events, refused };
}

function judgeEvent(
  raw: unknown,
  index: number,
  judgement: BatchJudgement,
): { event: HubSpotWebhookEvent } | { reason: RefusalReason; message: string } {
  const result = eventSchema.safeParse(raw);
  if (!result.success) {
    // The type decides first: an event of a type hubsync does not sync is not judged by its fields.
    const typeOnly = unsyncedType(raw);
    if (typeOnly) return { reason: 'unsynced_type', message: `[${index}]: ${typeOnly}` };
    const issues = result.error.issues;
    const message = issues
      .slice(0, 3)
      .map((i) => `[${index}].${fieldPath(i.path)}: ${beyondSafeRange(i) ? ID_RANGE_MESSAGE : i.message}`)
      .join('; ');
    return { reason: issues.some(beyondSafeRange) ? 'id_out_of_range' : 'invalid_event', message };
  }
  const event = normalise(result.data);
  if (objectTypeOfEvent(event) === undefined)
    return { reason: 'unsynced_type', message: `[${index}]: ${describeType(result.data)} is not synced` };
  if (!judgement.servedPortals.has(String(event.portalId)))
    return { reason: 'unknown_portal', message: `[${index}].portalId: ${String(event.portalId)} is not served here` };
  return { event };
}

/** For a body that fails the schema: the reason it would be refused anyway, when its type alone says so. */
function unsyncedType(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { subscriptionType, objectTypeId: typeId } = raw as Record<string, unknown>;
  if (typeof subscriptionType !== 'string' || !/^[a-z_]+\.[A-Za-z]+$/.test(subscriptionType)) return undefined;
  if (subscriptionType.startsWith('object.')) {
    return typeof typeId === 'string' &&
      objectTypeOfTypeId(typeId) === undefined &&
      !isCustomObjectTypeId(typeId) &&
      !subscriptionType.endsWith('.associationChange')
      ? `objectTypeId ${typeId} is not synced`
      : undefined;
  }
  return objectTypeOfEvent({ subscriptionType }) === undefined ? `${subscriptionType} is not synced` : undefined;
}

function describeType(event: ParsedEvent): string {
  if (event.fromObjectTypeId && event.toObjectTypeId)
    return `${event.subscriptionType} between ${event.fromObjectTypeId} and ${event.toObjectTypeId}`;
  return event.objectTypeId ? `${event.subscriptionType} of ${event.objectTypeId}` : event.subscriptionType;
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'event';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/**
 * The sync rules identify every event by its object: an association event belongs to its reporting side (the
 * "from" end). A generic association event is given the legacy event's shape — objectTypeId of its from end and
 * an associationType such as CONTACT_TO_COMPANY — so it is applied exactly like one; null fields are dropped.
 */
function normalise(event: ParsedEvent): HubSpotWebhookEvent {
  const present = Object.fromEntries(Object.entries(event).filter(([, v]) => v !== null && v !== undefined));
  const out = { ...present, objectId: event.objectId ?? event.fromObjectId ?? 0 } as Record<string, unknown>;
  if (event.propertyValue === null) out.propertyValue = null;
  if (event.subscriptionType === 'object.associationChange' && event.fromObjectTypeId && event.toObjectTypeId) {
    const from = objectTypeOfTypeId(event.fromObjectTypeId);
    const to = objectTypeOfTypeId(event.toObjectTypeId);
    if (from && to) {
      out.objectTypeId = event.fromObjectTypeId;
      out.associationType = associationTypeName(from, to);
    } else {
      delete out.objectTypeId;
    }
  }
  return out as unknown as HubSpotWebhookEvent;
}
