import { z } from 'zod';
import type { HubSpotWebhookEvent } from '../sync/events';

// The HTTP layer's own schema of a webhook request body (HubSpot's payload). Unknown fields are dropped so
// new HubSpot fields never break delivery; fields hubsync relies on are checked per event kind.

/** HubSpot sends ids as JSON numbers; numeric strings are accepted too. Never fractional or negative. */
const hubspotId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a numeric id')]);
const text = z.string().max(1_000);

const eventSchema = z
  .object({
    eventId: hubspotId,
    subscriptionId: hubspotId.optional(),
    portalId: hubspotId,
    appId: hubspotId.optional(),
    occurredAt: z.number().int().positive(),
    subscriptionType: z.string().regex(/^[a-z]+\.[A-Za-z]+$/, 'must look like "contact.creation"'),
    attemptNumber: z.number().int().nonnegative().optional(),
    // Association events name their two ends instead (fromObjectId is the side that reports).
    objectId: hubspotId.optional(),
    changeSource: text.optional(),
    changeFlag: text.optional(),
    sourceId: text.nullable().optional(),
    propertyName: text.optional(),
    // HubSpot property values are strings; long text properties can be large.
    propertyValue: z.string().max(65_536).nullable().optional(),
    primaryObjectId: hubspotId.optional(),
    mergedObjectIds: z.array(hubspotId).max(1_000).optional(),
    newObjectId: hubspotId.optional(),
    numberOfPropertiesMoved: z.number().int().nonnegative().optional(),
    associationType: text.optional(),
    fromObjectId: hubspotId.optional(),
    toObjectId: hubspotId.optional(),
    associationRemoved: z.boolean().optional(),
    isPrimaryAssociation: z.boolean().optional(),
    objectTypeId: z
      .string()
      .regex(/^\d+-\d+$/, 'must look like "0-27"')
      .optional(),
  })
  .superRefine((event, ctx) => {
    const kind = event.subscriptionType.slice(event.subscriptionType.indexOf('.') + 1);
    const need = (field: keyof typeof event) => {
      if (event[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `required for ${kind} events` });
    };
    if (kind === 'propertyChange') need('propertyName');
    if (kind === 'associationChange')
      ['associationType', 'fromObjectId', 'toObjectId'].forEach((f) => need(f as keyof typeof event));
    else need('objectId');
    if (event.subscriptionType.startsWith('object.')) need('objectTypeId');
  });

/** HubSpot sends fewer than 100 events a request; a little headroom, then refuse. */
export const MAX_EVENTS_PER_REQUEST = 100;

export const webhookBatchSchema = z
  .array(eventSchema)
  .min(1, 'must hold at least one event')
  .max(MAX_EVENTS_PER_REQUEST);

export type ParsedBatch = { ok: true; events: HubSpotWebhookEvent[] } | { ok: false; message: string };

/** Validates a parsed JSON body; the message names each bad field as `[index].field`. */
export function parseWebhookBatch(body: unknown): ParsedBatch {
  if (!Array.isArray(body)) return { ok: false, message: 'body must be a JSON array of events' };
  const result = webhookBatchSchema.safeParse(body);
  if (result.success) return { ok: true, events: result.data.map(normalise) };
  const problems = result.error.issues.slice(0, 5).map((issue) => `${fieldPath(issue.path)}: ${issue.message}`);
  return { ok: false, message: problems.join('; ') };
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'body';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

// The sync rules identify every event by its object: an association event belongs to its reporting side.
function normalise(event: z.infer<typeof eventSchema>): HubSpotWebhookEvent {
  const { sourceId, objectId, ...rest } = event;
  const normalised = { ...rest, objectId: objectId ?? event.fromObjectId ?? 0 };
  return sourceId === null || sourceId === undefined ? normalised : { ...normalised, sourceId };
}
