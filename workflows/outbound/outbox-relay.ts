// Drains a portal's transactional outbox into the push workflows, forever: each activity relays for a minute
// (polling, heartbeating), and the workflow continues as new long before its history grows.
import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { OutboxActivities } from '../../activities/outbound/outbox';
import type { PushStartOptions } from '../../src/workflow-safe/push-options';

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
    retry: { initialInterval: '1s', maximumInterval: '30s' },
  });
  for (let run = 0; run < RUNS_PER_EXECUTION; run++) {
    await relayOutbox({
      portalId: input.portalId,
      push: input.push,
      runForMs,
      pollIntervalMs: input.pollIntervalMs ?? 500,
      batchSize: input.batchSize ?? 1_000,
    });
  }
  await continueAsNew<typeof outboxRelayWorkflow>(input);
}
