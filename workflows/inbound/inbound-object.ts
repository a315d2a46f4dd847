// One long-lived workflow per HubSpot record: webhook events arrive as signals, are deduplicated and
// coalesced for a short window, then applied to PostgreSQL in one transaction. Running per record makes
// the record's changes strictly sequential without any database locking scheme across workers.
import {
  ActivityFailure,
  condition,
  continueAsNew,
  defineSignal,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { InboundKey } from '../../activities/inbound/apply';
import type { FetchedRecord } from '../../activities/inbound/hubspot-fetch';
import { dedupeKey, type HubSpotWebhookEvent } from '../../src/sync/events';
import type { CrmObjectType } from '../../src/sync/object-types';
import { isCustomObjectTypeId, type CustomObjectTypeId } from '../../src/sync/custom-objects';
import { historyIsLong, INBOUND_WORKFLOW_HISTORY_LIMIT } from '../../src/workflow-safe/limits';
import { PendingChanges, type PendingSnapshot } from '../../src/sync/pending-changes';
import { KEEP_EVENTS_ON_FAILURE } from '../../src/workflow-safe/patches';
import { customObjectRecordLoop } from './custom-object-record';
import {
  applyInboundPlan,
  fetchHubSpotRecord,
  nextRoundPauseMs,
  parkAndFail,
  roundFailureCause,
  roundsExhausted,
} from './rounds';

/** Signal carrying the events of one webhook request that concern this workflow's record. */
export const hubspotEventsSignal = defineSignal<[HubSpotWebhookEvent[]]>('hubspotEvents');

export interface InboundObjectInput {
  portalId: string;
  /** A synced CRM type, or a custom object's type id (its records: customObjectRecordLoop). */
  objectType: CrmObjectType | CustomObjectTypeId;
  objectId: string;
  /** Within a burst, events gather this long before the next apply (WEBHOOK_COALESCE_MS). */
  coalesceMs: number;
  /** The workflow completes after this long without events (WORKFLOW_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number;
  /** Our HubSpot app id, to recognise echoes of our own writes. */
  ourAppId?: string;
  /** History length after which the workflow continues as new (default INBOUND_WORKFLOW_HISTORY_LIMIT; tests lower it). */
  historyLimit?: number;
  /** Pause after a failed fetch or apply round (default inboundRoundPauseMs(round); tests lower it). */
  roundPauseMs?: number;
  /** State carried across continue-as-new. */
  carry?: InboundCarry;
}

export interface InboundCarry {
  pending: PendingSnapshot;
  /** Most recent dedupe keys seen (bounded), so redeliveries after continue-as-new are still dropped. */
  seenKeys: string[];
  /** Keys of events pending but not yet applied. */
  pendingKeys: InboundKey[];
  applies: number;
  /** Failed rounds in a row (fetch or apply), the events kept pending. */
  failedRounds?: number;
  /** The pending events as HubSpot sent them, parked if the rounds run out (absent in carries from before). */
  heldEvents?: HubSpotWebhookEvent[];
}

// Redeliveries come within HubSpot's retry horizon; older duplicates are caught by the per-property times
// PendingChanges keeps and by processed_webhook_events in the database.
const MAX_SEEN_KEYS = 2_000;

export async function inboundObjectWorkflow(input: InboundObjectInput): Promise<{ applies: number }> {
  const { portalId, objectType, objectId } = input;
  if (isCustomObjectTypeId(objectType)) return customObjectRecordLoop({ ...input, objectType });
  let pending = new PendingChanges(input.carry?.pending);
  const seen = new RecentKeys(input.carry?.seenKeys ?? [], MAX_SEEN_KEYS);
  let pendingKeys: InboundKey[] = input.carry?.pendingKeys ?? [];
  let applies = input.carry?.applies ?? 0;
  let failedRounds = input.carry?.failedRounds ?? 0;
  let heldEvents: HubSpotWebhookEvent[] = input.carry?.heldEvents ?? [];
  // Events that arrived while a drained plan was being fetched and applied: if that fails, they are added
  // again to the state from before the drain, as if it had never happened (the state is a set: order-free).
  let arrivedDuringApply: HubSpotWebhookEvent[] | undefined;

  const take = (event: HubSpotWebhookEvent, key: string): void => {
    if (!pending.add(event)) return;
    heldEvents.push(event);
    if (!pendingKeys.some((k) => k.key === key)) pendingKeys.push({ key, occurredAt: event.occurredAt });
  };
  setHandler(hubspotEventsSignal, (events) => {
    for (const event of events) {
      const key = dedupeKey(event);
      if (seen.has(key)) continue;
      seen.add(key);
      arrivedDuringApply?.push(event);
      take(event, key);
    }
  });

  let lastApplyAt: number | undefined;
  for (;;) {
    const hasWork = await condition(() => !pending.isEmpty, Math.max(1, input.idleTimeoutMs));
    if (!hasWork) return { applies };
    // Leading edge: a change to a quiet record is applied at once (a durable timer costs ~1 s on the
    // server, and events of one webhook request already arrive together). Within a burst — events again
    // soon after an apply — the rest of the burst is gathered for the window, then written once.
    if (input.coalesceMs > 0 && lastApplyAt !== undefined && Date.now() - lastApplyAt < input.coalesceMs)
      await sleep(input.coalesceMs);

    const before = pending.snapshot();
    const plan = pending.drain();
    const keys = pendingKeys;
    pendingKeys = [];
    const drainedEvents = heldEvents;
    heldEvents = [];
    arrivedDuringApply = [];
    let outcome: { summary: string };
    try {
      const read = () => fetchHubSpotRecord({ portalId, objectType, objectId });
      const apply = (record: FetchedRecord | null, recordRead: boolean) =>
        applyInboundPlan({
          portalId,
          objectType,
          objectId,
          plan,
          record,
          recordRead,
          keys,
          ...(input.ourAppId ? { ourAppId: input.ourAppId } : {}),
        });
      const result = await apply(plan.needsFullFetch ? await read() : null, plan.needsFullFetch);
      // The apply may ask for the record first (mustReadRecordFirst): histories from before never hold that answer.
      outcome = result.needsRecord ? await apply(await read(), true) : result;
    } catch (err) {
      // Before this patch a failed fetch or apply failed the workflow and its drained events were lost.
      if (!(err instanceof ActivityFailure) || !patched(KEEP_EVENTS_ON_FAILURE)) throw err;
      const arrived = arrivedDuringApply;
      arrivedDuringApply = undefined;
      pending = new PendingChanges(before);
      pendingKeys = keys;
      heldEvents = drainedEvents;
      for (const event of arrived) take(event, dedupeKey(event));
      failedRounds += 1;
      const cause = roundFailureCause(err);
      if (roundsExhausted(failedRounds)) await parkAndFail(input, failedRounds, cause, () => heldEvents);
      const pauseMs = nextRoundPauseMs(failedRounds, input.roundPauseMs);
      log.warn('fetch or apply failed; events kept pending', { failedRounds, pauseMs, cause });
      setCurrentDetails(`${applies} applies; round ${failedRounds} failed (${cause}); next in ${pauseMs / 60_000} min`);
      await sleep(pauseMs);
      continue;
    }
    arrivedDuringApply = undefined;
    failedRounds = 0;
    applies += 1;
    lastApplyAt = Date.now();
    setCurrentDetails(`${applies} applies; last: ${outcome.summary}`);

    const info = workflowInfo();
    if (historyIsLong(info, input.historyLimit ?? INBOUND_WORKFLOW_HISTORY_LIMIT)) {
      await continueAsNew<typeof inboundObjectWorkflow>({
        ...input,
        carry: {
          pending: pending.snapshot(),
          seenKeys: seen.toArray(),
          pendingKeys,
          applies,
          failedRounds,
          heldEvents,
        },
      });
    }
  }
}

/** Insertion-ordered set that forgets its oldest keys beyond a bound. */
class RecentKeys {
  private readonly keys: Set<string>;

  constructor(
    initial: readonly string[],
    private readonly limit: number,
  ) {
    this.keys = new Set(initial.slice(-limit));
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
    if (this.keys.size > this.limit) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }

  toArray(): string[] {
    return [...this.keys];
  }
}
