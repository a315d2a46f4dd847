import { Context } from '@temporalio/activity';
import type { Logger } from '../../src/logger';
import { notifyLocalChanges, type PushStartOptions } from '../../src/outbound/notify';
import { notifyAssociationChanges } from '../../src/outbound/notify-associations';
import { dispatchOutbox } from '../../src/store/outbox';
import type { PrismaClient } from '../../src/store/prisma';

export interface RelayOutboxInput {
  portalId: string;
  push: PushStartOptions;
  /** How long one activity keeps relaying before it returns (the workflow then starts the next). */
  runForMs: number;
  /** Pause between two looks at an empty outbox. */
  pollIntervalMs: number;
  batchSize: number;
}

/**
 * A long-running, heartbeating activity: it polls the outbox and signals the push workflows through the
 * worker's own Temporal client (the same notifyLocalChanges and notifyAssociationChanges the HTTP route uses). Polling a partial index range
 * every half second costs PostgreSQL next to nothing, where a workflow timer per poll would bloat history.
 */
export function createOutboxActivities({ prisma, logger }: { prisma: PrismaClient; logger: Logger }) {
  return {
    async relayOutbox(input: RelayOutboxInput): Promise<{ dispatched: number }> {
      const context = Context.current();
      const client = context.client;
      const deadline = Date.now() + input.runForMs;
      let dispatched = 0;
      while (Date.now() < deadline) {
        context.heartbeat({ dispatched });
        const taken = await dispatchOutbox(
          prisma,
          { portalId: input.portalId, limit: input.batchSize },
          async ({ records, associations }) => {
            if (records.length > 0) await notifyLocalChanges(client, records, input.push);
            if (associations.length > 0) await notifyAssociationChanges(client, associations, input.push);
          },
        );
        dispatched += taken;
        if (taken > 0) logger.debug({ portalId: input.portalId, taken }, 'outbox entries handed to push workflows');
        if (taken < input.batchSize) await context.sleep(input.pollIntervalMs);
      }
      return { dispatched };
    },
  };
}

export type OutboxActivities = ReturnType<typeof createOutboxActivities>;
