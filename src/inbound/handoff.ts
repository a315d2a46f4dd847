import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';
import {
  hubspotEventsSignal,
  inboundObjectWorkflow,
  type InboundObjectInput,
} from '../../workflows/inbound/inbound-object';
import { objectTypeOfEvent, type HubSpotWebhookEvent } from '../sync/events';
import type { CustomObjectTypeId } from '../sync/custom-objects';
import type { CrmObjectType } from '../sync/object-types';
import {
  HubSpotObjectIdKey,
  HubSpotObjectTypeKey,
  PortalIdKey,
  SyncDirectionKey,
  SyncTriggerKey,
} from '../workflow-safe/search-attributes';
import { inboundObjectWorkflowId } from '../workflow-safe/ids';
import { portalPriority, WEBHOOK_PRIORITY } from '../workflow-safe/priorities';

// The durable hand-off of webhook events: one signal-with-start per record, so a record's events always
// reach the same workflow, which starts on the first event and is still there for the next.

export interface ObjectEvents {
  portalId: string;
  objectType: CrmObjectType | CustomObjectTypeId;
  objectId: string;
  events: HubSpotWebhookEvent[];
}

export interface HandoffOptions {
  taskQueue: string;
  coalesceMs: number;
  idleTimeoutMs: number;
  ourAppId?: string;
  /** Every signal must be accepted by then, or the hand-off fails (HubSpot gives a webhook 5 s). */
  deadlineMs: number;
}

/**
 * One signal's events at most this many bytes (JSON). Temporal refuses a payload over 2 MB for good, and one
 * record can get 100 events of 64 KB values in a request: its events then go in several signals (the workflow
 * orders and deduplicates them, so their order does not matter).
 */
export const MAX_SIGNAL_EVENT_BYTES = 1024 * 1024;

/** Groups a batch by record; events about types hubsync does not sync are left out (and returned apart). */
export function groupByObject(events: readonly HubSpotWebhookEvent[]): { groups: ObjectEvents[]; ignored: number } {
  const groups: ObjectEvents[] = [];
  const open = new Map<string, { group: ObjectEvents; bytes: number }>();
  let ignored = 0;
  for (const event of events) {
    const objectType = objectTypeOfEvent(event);
    if (objectType === undefined || event.portalId === undefined) {
      ignored += 1;
      continue;
    }
    const portalId = String(event.portalId);
    const objectId = String(event.objectId);
    const key = `${portalId}:${objectType}:${objectId}`;
    const bytes = Buffer.byteLength(JSON.stringify(event));
    let current = open.get(key);
    if (!current || current.bytes + bytes > MAX_SIGNAL_EVENT_BYTES) {
      current = { group: { portalId, objectType, objectId, events: [] }, bytes: 0 };
      groups.push(current.group);
      open.set(key, current);
    }
    current.group.events.push(event);
    current.bytes += bytes;
  }
  return { groups, ignored };
}

export interface HandoffFailure {
  group: ObjectEvents;
  error: Error;
}

/**
 * Signals (starting when needed) every record's workflow, concurrently. Resolves with the records Temporal did
 * not accept and why (none: all handed off); rejects when the deadline passed before every answer came.
 */
export async function handOffToWorkflows(
  client: Client,
  groups: readonly ObjectEvents[],
  options: HandoffOptions,
): Promise<HandoffFailure[]> {
  // withDeadline bounds each RPC; the abort also stops the client's retries and a connection that is still
  // being (re)established, so nothing keeps running once the request has been answered 503.
  const abort = new AbortController();
  setMaxListeners(groups.length + 10, abort.signal); // one listener per concurrent signal, by design
  const timer = setTimeout(
    () =>
      abort.abort(
        Object.assign(new Error(`Temporal did not accept the events within ${options.deadlineMs} ms`), { code: 4 }),
      ),
    options.deadlineMs,
  );
  // The race answers at the deadline even while the SDK is still unwinding (e.g. a pending connect).
  const aborted = new Promise<never>((_, reject) =>
    abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true }),
  );
  const signals = client.connection.withAbortSignal(abort.signal, () =>
    client.connection.withDeadline(Date.now() + options.deadlineMs, () =>
      Promise.allSettled(groups.map((group) => signalWithStart(client, group, options))),
    ),
  );
  // Once the race is lost the request is answered 503; a late failure of the signals must not go unhandled.
  signals.catch(() => undefined);
  try {
    const outcomes = await Promise.race([aborted, signals]);
    return outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected'
        ? [
            {
              group: groups[i]!,
              error: outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason)),
            },
          ]
        : [],
    );
  } finally {
    clearTimeout(timer);
  }
}

// gRPC status codes of a Temporal that could not be reached or did not answer in time; any other answer is a
// refusal of these particular records (INVALID_ARGUMENT, a payload over the size limit, ...).
const UNREACHABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */, 1 /* CANCELLED */]);

/** Whether a hand-off error means Temporal is unreachable (rather than refusing these records). */
export function isTemporalUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    // gRPC errors carry their status as `code`, and as the message's prefix ("14 UNAVAILABLE: ...").
    const prefix = /^(\d+) [A-Z_]+:/.exec((e as { message?: string }).message ?? '');
    const code = (e as { code?: unknown }).code ?? (prefix ? Number(prefix[1]) : undefined);
    if (typeof code === 'number') return UNREACHABLE_CODES.has(code);
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)$/.test(code))
      return true;
  }
  // No status at all: an error of this process (e.g. encoding the payload), which a retry does not cure either.
  return false;
}

async function signalWithStart(client: Client, group: ObjectEvents, options: HandoffOptions): Promise<void> {
  const { portalId, objectType, objectId } = group;
  const input: InboundObjectInput = {
    portalId,
    objectType,
    objectId,
    coalesceMs: options.coalesceMs,
    idleTimeoutMs: options.idleTimeoutMs,
    ...(options.ourAppId ? { ourAppId: options.ourAppId } : {}),
  };
  await client.workflow.signalWithStart(inboundObjectWorkflow, {
    workflowId: inboundObjectWorkflowId(portalId, objectType, objectId),
    taskQueue: options.taskQueue,
    args: [input],
    signal: hubspotEventsSignal,
    signalArgs: [group.events],
    priority: portalPriority(portalId, WEBHOOK_PRIORITY),
    typedSearchAttributes: [
      { key: PortalIdKey, value: portalId },
      { key: HubSpotObjectTypeKey, value: objectType },
      { key: HubSpotObjectIdKey, value: objectId },
      { key: SyncDirectionKey, value: 'inbound' },
      { key: SyncTriggerKey, value: 'webhook' },
    ],
    staticSummary: `HubSpot → PostgreSQL: ${objectType} ${objectId}`,
    staticDetails: `Applies HubSpot webhook events for ${objectType} ${objectId} of portal ${portalId}: deduplicated, coalesced, one transaction per apply. Completes after ${Math.round(options.idleTimeoutMs / 1000)} s without events.`,
  });
}
