// One long-lived workflow per HubSpot record: webhook events arrive as signals, are deduplicated and
// coalesced for a short window, then applied to PostgreSQL in one transaction. Running per record makes
// the record's changes strictly sequential without any database locking scheme across workers.
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { InboundActivities, InboundKey } from '../../activities/inbound/apply';
import type { HubSpotFetchActivities } from '../../activities/inbound/hubspot-fetch';
import { dedupeKey, type HubSpotWebhookEvent } from '../../src/sync/events';
import type { CrmObjectType } from '../../src/sync/object-types';
import { historyIsLong, INBOUND_WORKFLOW_HISTORY_LIMIT } from '../../src/workflow-safe/limits';
import { PendingChanges, type PendingSnapshot } from '../../src/sync/pending-changes';

/** Signal carrying the events of one webhook request that concern this workflow's record. */
export const hubspotEventsSignal = defineSignal<[HubSpotWebhookEvent[]]>('hubspotEvents');

export interface InboundObjectInput {
  portalId: string;
  objectType: CrmObjectType;
  objectId: string;
  /** Within a burst, events gather this long before the next apply (WEBHOOK_COALESCE_MS). */
  coalesceMs: number;
  /** The workflow completes after this long without events (WORKFLOW_IDLE_TIMEOUT_MS). */
  idleTimeoutMs: number;
  /** Our HubSpot app id, to recognise echoes of our own writes. */
  ourAppId?: string;
  /** History length after which the workflow continues as new (default INBOUND_WORKFLOW_HISTORY_LIMIT; tests lower it). */
  historyLimit?: number;
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
}

// Redeliveries come within HubSpot's retry horizon; older duplicates are caught by the per-property times
// PendingChanges keeps and by processed_webhook_events in the database.
const MAX_SEEN_KEYS = 2_000;

// Heartbeat timeouts: activities heartbeat while they run (src/temporal/activity-heartbeats.ts), so an attempt
// lost with its worker is retried after seconds, while the events behind it wait.
const { applyInboundPlan } = proxyActivities<InboundActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

// Runs on the main queue: it merges concurrent fetches of many workflows into one batch/read, which the
// HubSpot queue's per-activity rate limit would serialise (see activities/inbound/hubspot-fetch.ts).
const { fetchHubSpotRecord } = proxyActivities<HubSpotFetchActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function inboundObjectWorkflow(input: InboundObjectInput): Promise<{ applies: number }> {
  const { portalId, objectType, objectId } = input;
  const pending = new PendingChanges(input.carry?.pending);
  const seen = new RecentKeys(input.carry?.seenKeys ?? [], MAX_SEEN_KEYS);
  let pendingKeys: InboundKey[] = input.carry?.pendingKeys ?? [];
  let applies = input.carry?.applies ?? 0;

  setHandler(hubspotEventsSignal, (events) => {
    for (const event of events) {
      const key = dedupeKey(event);
      if (seen.has(key)) continue;
      seen.add(key);
      if (pending.add(event)) pendingKeys.push({ key, occurredAt: event.occurredAt });
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

    const plan = pending.drain();
    const keys = pendingKeys;
    pendingKeys = [];
    const fetched = plan.needsFullFetch ? await fetchHubSpotRecord({ portalId, objectType, objectId }) : null;
    const outcome = await applyInboundPlan({
      portalId,
      objectType,
      objectId,
      plan,
      record: fetched,
      keys,
      ...(input.ourAppId ? { ourAppId: input.ourAppId } : {}),
    });
    applies += 1;
    lastApplyAt = Date.now();
    setCurrentDetails(`${applies} applies; last: ${outcome.summary}`);

    const info = workflowInfo();
    if (historyIsLong(info, input.historyLimit ?? INBOUND_WORKFLOW_HISTORY_LIMIT)) {
      await continueAsNew<typeof inboundObjectWorkflow>({
        ...input,
        carry: { pending: pending.snapshot(), seenKeys: seen.toArray(), pendingKeys, applies },
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
