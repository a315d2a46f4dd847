import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';
import {
  hubspotEventsSignal,
  inboundObjectWorkflow,
  type InboundObjectInput,
} from '../../workflows/inbound/inbound-object';
import { objectTypeOfEvent, type HubSpotWebhookEvent } from '../sync/events';
import type { CrmObjectType } from '../sync/object-types';
import {
  HubSpotObjectIdKey,
  HubSpotObjectTypeKey,
  PortalIdKey,
  SyncDirectionKey,
  SyncTriggerKey,
} from '../workflow-safe/search-attributes';
import { inboundObjectWorkflowId } from '../workflow-safe/ids';

// The durable hand-off of webhook events: one signal-with-start per record, so a record's events always
// reach the same workflow, which starts on the first event and is still there for the next.

export interface ObjectEvents {
  portalId: string;
  objectType: CrmObjectType;
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

/** Groups a batch by record; events about types hubsync does not sync are left out (and returned apart). */
export function groupByObject(events: readonly HubSpotWebhookEvent[]): { groups: ObjectEvents[]; ignored: number } {
  const groups = new Map<string, ObjectEvents>();
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
    const group = groups.get(key) ?? { portalId, objectType, objectId, events: [] };
    group.events.push(event);
    groups.set(key, group);
  }
  return { groups: [...groups.values()], ignored };
}

/** Signals (starting when needed) every record's workflow, concurrently; rejects unless all were accepted. */
export async function handOffToWorkflows(
  client: Client,
  groups: readonly ObjectEvents[],
  options: HandoffOptions,
): Promise<void> {
  // withDeadline bounds each RPC; the abort also stops the client's retries and a connection that is still
  // being (re)established, so nothing keeps running once the request has been answered 503.
  const abort = new AbortController();
  setMaxListeners(groups.length + 10, abort.signal); // one listener per concurrent signal, by design
  const timer = setTimeout(
    () => abort.abort(new Error(`Temporal did not accept the events within ${options.deadlineMs} ms`)),
    options.deadlineMs,
  );
  // The race answers at the deadline even while the SDK is still unwinding (e.g. a pending connect).
  const aborted = new Promise<never>((_, reject) =>
    abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true }),
  );
  const signals = client.connection.withAbortSignal(abort.signal, () =>
    client.connection.withDeadline(Date.now() + options.deadlineMs, () =>
      Promise.all(groups.map((group) => signalWithStart(client, group, options))),
    ),
  );
  // Once the race is lost the request is answered 503; a late failure of the signals must not go unhandled.
  signals.catch(() => undefined);
  try {
    await Promise.race([aborted, signals]);
  } finally {
    clearTimeout(timer);
  }
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
