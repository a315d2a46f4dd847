import type { Config } from '../../src/config';
import type { Metrics } from '../../src/metrics';
import { parkEvents, type ParkedEventsInput } from '../../src/store/parked-events';
import type { PrismaClient } from '../../src/store/prisma';

// The per-record workflows' last step once their rounds ran out: the events they still hold go to
// inbound_parked_events (`hubsync parked` lists and redrives them). Idempotent through the park key.

/** A stored error message is at most this long: it is for an operator's eye, not a log. */
const MAX_ERROR_CHARS = 1_000;

export interface ParkDeps {
  prisma: PrismaClient;
  metrics: Metrics;
  config: Pick<Config, 'HUBSPOT_ACCESS_TOKEN' | 'HUBSPOT_CLIENT_SECRET' | 'PLATFORM_API_KEY' | 'CODEC_AUTH_TOKEN'>;
}

/** The message without any configured secret or bearer token, and bounded. */
export function scrubErrorMessage(message: string, secrets: ReadonlyArray<string | undefined>): string {
  let text = message;
  for (const secret of secrets) if (secret) text = text.split(secret).join('[redacted]');
  text = text.replace(/\b(Bearer\s+)[\w.~+/=-]+/gi, '$1[redacted]').replace(/\bpat-[a-z0-9]+-[\w-]+/gi, '[redacted]');
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export function createParkActivities({ prisma, metrics, config }: ParkDeps) {
  const secrets = [
    config.HUBSPOT_ACCESS_TOKEN,
    config.HUBSPOT_CLIENT_SECRET,
    config.PLATFORM_API_KEY,
    config.CODEC_AUTH_TOKEN,
  ];
  return {
    async parkInboundEvents(input: ParkedEventsInput): Promise<{ parked: boolean }> {
      const parked = await parkEvents(prisma, { ...input, lastError: scrubErrorMessage(input.lastError, secrets) });
      if (parked) metrics.inboundEventsParked.inc({ object_type: input.objectType }, input.events.length);
      return { parked };
    },
  };
}

export type ParkActivities = ReturnType<typeof createParkActivities>;
