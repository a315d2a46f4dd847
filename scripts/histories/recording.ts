// What the history recording scenarios share (scripts/record-histories.ts): where histories go, how one is
// saved, and how a scenario hands events to a record's workflow itself when it needs a shorter round pause than
// the webhook hand-off gives.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import {
  hubspotEventsSignal,
  inboundObjectWorkflow,
  type InboundObjectInput,
} from '../../workflows/inbound/inbound-object';
import { historyToJSON } from '../../test/support/history-json';
import type { Stack } from '../../test/support/stack';
import { waitFor } from '../../test/support/wait';

export const OUT = join(__dirname, '..', '..', 'test', 'workflows', 'histories');

/**
 * Writes the history as `<name>.json` unless that file is already committed: a committed history is an
 * execution of the code it was recorded from, which the replay test must keep covering.
 */
export async function save(client: Client, name: string, workflowId: string, runId?: string): Promise<void> {
  const file = join(OUT, `${name}.json`);
  if (existsSync(file)) {
    console.log(`kept ${name}: already recorded (a new path needs a new name)`);
    return;
  }
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  // Pretty-printed so a new history shows as a readable diff.
  writeFileSync(file, `${JSON.stringify(historyToJSON(history), null, 1)}\n`);
  console.log(`recorded ${name} (${history.events?.length ?? 0} events) from ${workflowId}`);
}

export async function closed(client: Client, workflowId: string, runId?: string): Promise<void> {
  await waitFor(
    `${workflowId} to close`,
    async () => (await client.workflow.getHandle(workflowId, runId).describe()).status.name !== 'RUNNING',
    300_000,
  );
}

/** A webhook event of the stack's portal, as HubSpot sends it. */
export function webhookEvent(stack: Stack, fields: Partial<HubSpotWebhookEvent>): HubSpotWebhookEvent {
  return {
    eventId: 1,
    subscriptionId: 1,
    portalId: Number(stack.portalId),
    appId: 1,
    occurredAt: Date.now(),
    attemptNumber: 0,
    ...fields,
  } as HubSpotWebhookEvent;
}

/** Signals (starting) the record's workflow as the hand-off does, with a short pause between failed rounds. */
export async function signalRecord(
  stack: Stack,
  objectType: InboundObjectInput['objectType'],
  objectId: string,
  events: HubSpotWebhookEvent[],
): Promise<string> {
  const workflowId = inboundObjectWorkflowId(stack.portalId, objectType, objectId);
  const { config } = stack.runtime;
  await stack.temporal.workflow.signalWithStart(inboundObjectWorkflow, {
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [
      {
        portalId: stack.portalId,
        objectType,
        objectId,
        coalesceMs: config.WEBHOOK_COALESCE_MS,
        idleTimeoutMs: config.WORKFLOW_IDLE_TIMEOUT_MS,
        roundPauseMs: 10,
      },
    ],
    signal: hubspotEventsSignal,
    signalArgs: [events],
  });
  return workflowId;
}
