// How a platform tells hubsync that its records changed, for platforms that hold a Temporal client themselves.
// The HTTP route POST /platform/changes and the outbox relay go through the same function (associations:
// notify-associations.ts; what both share: signal-push.ts).
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { LocalChange, PushObjectType } from '../sync/local-changes';
import { HubSpotObjectTypeKey } from '../workflow-safe/search-attributes';
import { pushWorkflowId } from '../workflow-safe/ids';
import type { PushStartOptions } from '../workflow-safe/push-options';
import { groupByPortal, pushWorkflowStart, signalInChunks, type PortalCheck } from './signal-push';

export type { PushStartOptions } from '../workflow-safe/push-options';
import { localChangesSignal, pushWorkflow, type PushWorkflowInput } from '../../workflows/outbound/push';

export type { LocalChange, PushObjectType } from '../sync/local-changes';
export { PUSH_OBJECT_TYPES } from '../sync/local-changes';

export interface LocalChangeReport extends LocalChange {
  objectType: PushObjectType;
  /** Defaults to the options' portal; required in public-app mode (no default portal there). */
  portalId?: string;
}

export { PortalRequiredError, UnknownPortalError, type PortalCheck } from './signal-push';

export function pushStartOptions(
  config: Pick<
    Config,
    | 'HUBSPOT_PORTAL_ID'
    | 'HUBSPOT_APP_MODE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_HUBSPOT_TASK_QUEUE'
    | 'PUSH_BATCH_WINDOW_MS'
    | 'WORKFLOW_IDLE_TIMEOUT_MS'
  >,
): PushStartOptions {
  return {
    // A public app serves many portals: none is the default, every change names its own.
    defaultPortalId: config.HUBSPOT_APP_MODE === 'public' ? '' : config.HUBSPOT_PORTAL_ID,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    hubspotTaskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
    batchWindowMs: config.PUSH_BATCH_WINDOW_MS,
    idleTimeoutMs: config.WORKFLOW_IDLE_TIMEOUT_MS,
  };
}

export interface NotifiedWorkflow {
  workflowId: string;
  portalId: string;
  objectType: PushObjectType;
  changes: number;
}

/**
 * Signals (starting it when needed) the push workflow of each portal and object type present in `changes`.
 * Once this resolves the changes are durable: Temporal has recorded them and the workflow will push them.
 * It rejects when Temporal did not accept every signal; calling again with the same changes is safe (a record
 * reported twice is pushed once, and a push of unchanged fields sends nothing). A change without a portal where
 * there is no default one, or for a portal not in `check.servedPortals`, rejects the whole call, naming it.
 */
export async function notifyLocalChanges(
  client: Client,
  changes: readonly LocalChangeReport[],
  options: PushStartOptions,
  check: PortalCheck = {},
): Promise<NotifiedWorkflow[]> {
  const groups = groupByPortal(
    'changes',
    changes,
    options.defaultPortalId,
    (portalId, c) => pushWorkflowId(portalId, c.objectType),
    check,
  );
  const notified: NotifiedWorkflow[] = [];
  for (const [workflowId, { portalId, reports }] of groups) {
    const objectType = reports[0]!.objectType;
    const list: LocalChange[] = reports.map(({ localId, fields }) =>
      fields === undefined ? { localId } : { localId, fields },
    );
    const args: PushWorkflowInput = {
      portalId,
      objectType,
      hubspotTaskQueue: options.hubspotTaskQueue,
      batchWindowMs: options.batchWindowMs,
      idleTimeoutMs: options.idleTimeoutMs,
    };
    await signalInChunks(client, list, (chunk) =>
      client.workflow.signalWithStart(pushWorkflow, {
        ...pushWorkflowStart(workflowId, portalId, options, [{ key: HubSpotObjectTypeKey, value: objectType }]),
        args: [args],
        signal: localChangesSignal,
        signalArgs: [chunk],
        staticSummary: `PostgreSQL → HubSpot: ${objectType} of portal ${portalId}`,
        staticDetails: `Gathers the platform's ${objectType} changes and writes them to HubSpot in batches of up to 100 (batch update / upsert). Query pushStatus for counts; refusals are in sync_failures (hubsync failures).`,
      }),
    );
    notified.push({ workflowId, portalId, objectType, changes: list.length });
  }
  return notified;
}
