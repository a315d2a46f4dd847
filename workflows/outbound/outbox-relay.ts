// Drains a portal's transactional outbox into the push workflows, forever: each activity relays for a minute
// (polling, heartbeating), and the workflow continues as new long before its history grows.
import { ActivityFailure, continueAsNew, log, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type { OutboxActivities } from '../../activities/outbound/outbox';
import type { PushStartOptions } from '../../src/workflow-safe/push-options';
import { OUTBOX_RELAY_PAUSE, OUTBOX_RELAY_RETRY } from '../../src/workflow-safe/limits';
import { RELAY_SURVIVES_FAILED_RUN } from '../../src/workflow-safe/patches';

export interface OutboxRelayInput {
  portalId: string;
  push: PushStartOptions;
  pollIntervalMs?: number;
  activityRunMs?: number;
  batchSize?: number;
}

const RUNS_PER_EXECUTION = 200;

export async function outboxRelayWorkflow(input: OutboxRelayInput): Promise<void> {
  const runForMs = input.activityRunMs ?? 60_000;
  const { relayOutbox } = proxyActivities<OutboxActivities>({
    startToCloseTimeout: runForMs + 60_000,
    heartbeatTimeout: '20s',
    retry: OUTBOX_RELAY_RETRY,
  });
  for (let run = 0; run < RUNS_PER_EXECUTION; run++) {
    try {
      await relayOutbox({
        portalId: input.portalId,
        push: input.push,
        runForMs,
        pollIntervalMs: input.pollIntervalMs ?? 500,
        batchSize: input.batchSize ?? 1_000,
      });
    } catch (err) {
      if (!(err instanceof ActivityFailure) || !patched(RELAY_SURVIVES_FAILED_RUN)) throw err;
      log.warn('outbox relay run failed; the rows wait in the outbox', { cause: err.cause?.message ?? err.message });
      await sleep(OUTBOX_RELAY_PAUSE);
    }
  }
  await continueAsNew<typeof outboxRelayWorkflow>(input);
}
