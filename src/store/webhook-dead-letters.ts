// Webhook events refused one by one — their batch was applied without them — kept with the reason so an
// operator can see what HubSpot sent that hubsync does not take. Bounded: every insert also drops rows older
// than the retention and the oldest beyond the row cap (one indexed range delete each).
import type { Db } from './prisma';

export interface DeadLetter {
  portalId?: string;
  subscriptionType?: string;
  eventId?: string;
  objectId?: string;
  /** A short code (the metric's label), e.g. unsynced_type. */
  reason: string;
  /** What was wrong, naming the field. */
  message: string;
  /** The event's JSON as HubSpot sent it (cut at EVENT_TEXT_LIMIT). */
  event: string;
}

/** A 64 KB property value, JSON-escaped, fits; anything longer is not a HubSpot event worth keeping whole. */
export const EVENT_TEXT_LIMIT = 256 * 1024;

export interface DeadLetterBounds {
  retentionDays: number;
  maxRows: number;
}

export async function storeDeadLetters(
  db: Db,
  letters: readonly DeadLetter[],
  bounds: DeadLetterBounds,
): Promise<void> {
  if (letters.length === 0) return;
  await db.$executeRaw`
    INSERT INTO webhook_dead_letters (portal_id, subscription_type, event_id, object_id, reason, message, event)
    SELECT l->>'portalId', l->>'subscriptionType', l->>'eventId', l->>'objectId', l->>'reason', l->>'message', l->>'event'
      FROM jsonb_array_elements(${JSON.stringify(letters)}::jsonb) AS l`;
  await db.$executeRaw`
    DELETE FROM webhook_dead_letters WHERE received_at < now() - ${bounds.retentionDays} * interval '1 day'`;
  await db.$executeRaw`
    DELETE FROM webhook_dead_letters
     WHERE id <= (SELECT max(id) FROM webhook_dead_letters) - ${bounds.maxRows}`;
}

export interface StoredDeadLetter extends DeadLetter {
  id: bigint;
  receivedAt: Date;
}

/** Newest first; `reason` narrows to one code. Every portal's: an unknown portal is itself a reason. */
export async function listDeadLetters(
  db: Db,
  options: { limit: number; reason?: string },
): Promise<StoredDeadLetter[]> {
  const rows = await db.webhookDeadLetter.findMany({
    where: options.reason ? { reason: options.reason } : {},
    orderBy: { id: 'desc' },
    take: options.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    receivedAt: r.receivedAt,
    ...(r.portalId === null ? {} : { portalId: r.portalId }),
    ...(r.subscriptionType === null ? {} : { subscriptionType: r.subscriptionType }),
    ...(r.eventId === null ? {} : { eventId: r.eventId }),
    ...(r.objectId === null ? {} : { objectId: r.objectId }),
    reason: r.reason,
    message: r.message,
    event: r.event,
  }));
}
