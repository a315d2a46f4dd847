import type { HubSpotWebhookEvent } from '../sync/events';
import type { PrismaClient } from './prisma';

// inbound_parked_events: the webhook events a per-record workflow still held when its rounds ran out. A row is
// written once per park key (a retried activity inserts nothing twice) and marked once redriven.

export interface ParkedEventsInput {
  parkKey: string;
  portalId: string;
  objectType: string;
  objectId: string;
  events: HubSpotWebhookEvent[];
  lastError: string;
}

export interface ParkedRow {
  id: bigint;
  portalId: string;
  objectType: string;
  objectId: string;
  events: HubSpotWebhookEvent[];
  lastError: string;
  parkedAt: Date;
}

/** Inserts the row unless its park key is already there; returns whether it inserted. */
export async function parkEvents(prisma: PrismaClient, input: ParkedEventsInput): Promise<boolean> {
  const inserted = await prisma.$executeRaw`
    INSERT INTO inbound_parked_events (park_key, portal_id, object_type, object_id, events, last_error)
    VALUES (${input.parkKey}, ${input.portalId}, ${input.objectType}, ${input.objectId},
            ${JSON.stringify(input.events)}::jsonb, ${input.lastError})
    ON CONFLICT (park_key) DO NOTHING`;
  return inserted > 0;
}

/** A portal's rows not yet redriven, oldest first. */
export async function listParked(
  prisma: PrismaClient,
  portalId: string,
  options: { limit: number },
): Promise<ParkedRow[]> {
  const rows = await prisma.inboundParkedEvent.findMany({
    where: { portalId, redrivenAt: null },
    orderBy: { id: 'asc' },
    take: options.limit,
    select: {
      id: true,
      portalId: true,
      objectType: true,
      objectId: true,
      events: true,
      lastError: true,
      parkedAt: true,
    },
  });
  return rows.map((row) => ({ ...row, events: row.events as unknown as HubSpotWebhookEvent[] }));
}

/** A portal's records with parked events not yet redriven, and how many events they hold. */
export async function countParked(
  prisma: PrismaClient,
  portalId: string,
): Promise<{ records: number; events: number }> {
  const [row] = await prisma.$queryRaw<Array<{ records: number; events: number }>>`
    SELECT count(DISTINCT (object_type, object_id))::int AS records,
           coalesce(sum(jsonb_array_length(events)), 0)::int AS events
    FROM inbound_parked_events WHERE portal_id = ${portalId} AND redriven_at IS NULL`;
  return row ?? { records: 0, events: 0 };
}

export async function markRedriven(prisma: PrismaClient, ids: readonly bigint[]): Promise<void> {
  if (ids.length === 0) return;
  await prisma.inboundParkedEvent.updateMany({
    where: { id: { in: [...ids] }, redrivenAt: null },
    data: { redrivenAt: new Date() },
  });
}
