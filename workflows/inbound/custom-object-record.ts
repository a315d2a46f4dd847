// The per-record webhook workflow's loop for a custom object's record (inboundObjectWorkflow hands it over):
// events arrive as the same signal, and each burst becomes one read of the record from HubSpot, stored as it is
// now (activities/inbound/custom-object-read.ts). Events need no merging or ordering: HubSpot's current state
// decides. A failed read keeps the burst pending and retries in rounds, like the standard types' loop, and the
// events are parked once the rounds run out.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { InboundKey } from '../../activities/inbound/apply';
import type { CustomObjectTypeId } from '../../src/sync/custom-objects';
import { dedupeKey, type HubSpotWebhookEvent } from '../../src/sync/events';
import { PendingChanges } from '../../src/sync/pending-changes';
import { historyIsLong, INBOUND_WORKFLOW_HISTORY_LIMIT } from '../../src/workflow-safe/limits';
import { hubspotEventsSignal, type InboundObjectInput } from './inbound-object';
import { nextRoundPauseMs, parkAndFail, readCustomObjectRecord, roundFailureCause, roundsExhausted } from './rounds';

const MAX_SEEN_KEYS = 2_000;

export async function customObjectRecordLoop(
  input: InboundObjectInput & { objectType: CustomObjectTypeId },
): Promise<{ applies: number }> {
  const { portalId, objectType: objectTypeId, objectId } = input;
  const seen: string[] = [...(input.carry?.seenKeys ?? [])];
  let pendingKeys: InboundKey[] = [...(input.carry?.pendingKeys ?? [])];
  let applies = input.carry?.applies ?? 0;
  let failedRounds = input.carry?.failedRounds ?? 0;
  let heldEvents: HubSpotWebhookEvent[] = [...(input.carry?.heldEvents ?? [])];
  setHandler(hubspotEventsSignal, (events) => {
    for (const event of events) {
      const key = dedupeKey(event);
      if (seen.includes(key)) continue;
      seen.push(key);
      if (seen.length > MAX_SEEN_KEYS) seen.shift();
      pendingKeys.push({ key, occurredAt: event.occurredAt });
      heldEvents.push(event);
    }
  });

  let lastApplyAt: number | undefined;
  for (;;) {
    if (!(await condition(() => pendingKeys.length > 0, Math.max(1, input.idleTimeoutMs)))) return { applies };
    if (input.coalesceMs > 0 && lastApplyAt !== undefined && Date.now() - lastApplyAt < input.coalesceMs)
      await sleep(input.coalesceMs);
    const taken = pendingKeys;
    pendingKeys = [];
    const takenEvents = heldEvents;
    heldEvents = [];
    try {
      const { summary } = await readCustomObjectRecord({ portalId, objectTypeId, objectId });
      failedRounds = 0;
      applies += 1;
      lastApplyAt = Date.now();
      setCurrentDetails(`${applies} reads; last: ${summary}`);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      pendingKeys = [...taken, ...pendingKeys];
      heldEvents = [...takenEvents, ...heldEvents];
      failedRounds += 1;
      const cause = roundFailureCause(err);
      if (roundsExhausted(failedRounds)) await parkAndFail(input, failedRounds, cause, () => heldEvents);
      await sleep(nextRoundPauseMs(failedRounds, input.roundPauseMs));
      continue;
    }
    if (historyIsLong(workflowInfo(), input.historyLimit ?? INBOUND_WORKFLOW_HISTORY_LIMIT))
      await continueAsNew<(i: InboundObjectInput) => Promise<{ applies: number }>>({
        ...input,
        carry: {
          pending: new PendingChanges().snapshot(),
          seenKeys: seen,
          pendingKeys,
          applies,
          failedRounds,
          heldEvents,
        },
      });
  }
}
