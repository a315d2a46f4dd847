// How a platform tells hubsync that its records changed, for platforms that hold a Temporal client themselves.
// The HTTP route POST /platform/changes and the outbox relay go through the same function.
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Config } from '../config';
import type { LocalChange, PushObjectType } from '../sync/local-changes';
import {
  HubSpotObjectTypeKey,
  PortalIdKey,
  SyncDirectionKey,
  SyncTriggerKey,
} from '../workflow-safe/search-attributes';
import { pushWorkflowId } from '../workflow-safe/ids';
import { portalPriority, PUSH_PRIORITY } from '../workflow-safe/priorities';
import type { PushStartOptions } from '../workflow-safe/push-options';

export type { PushStartOptions } from '../workflow-safe/push-options';
import { localChangesSignal, pushWorkflow, type PushWorkflowInput } from '../../workflows/outbound/push';

export type { LocalChange, PushObjectType } from '../sync/local-changes';
export { PUSH_OBJECT_TYPES } from '../sync/local-changes';

export interface LocalChangeReport extends LocalChange {
  objectType: PushObjectType;
  /** Defaults to the options' portal; required in public-app mode (no default portal there). */
  portalId?: string;
}

/** A change that names no portal where there is no default one (public-app mode). */
export class PortalRequiredError extends Error {
  override readonly name = 'PortalRequiredError';
}

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

// Keeps each signal's payload far below Temporal's 2 MB limit (an entry is ~100 bytes with a few columns).
export const SIGNAL_CHUNK = 2_000;
export const SIGNAL_DEADLINE_MS = 5_000;

/**
 * Signals (starting it when needed) the push workflow of each portal and object type present in `changes`.
 * Once this resolves the changes are durable: Temporal has recorded them and the workflow will push them.
 * It rejects when Temporal did not accept every signal; calling again with the same changes is safe (a record
 * reported twice is pushed once, and a push of unchanged fields sends nothing).
 */
export async function notifyLocalChanges(
  client: Client,
  changes: readonly LocalChangeReport[],
  options: PushStartOptions,
): Promise<NotifiedWorkflow[]> {
  const groups = new Map<string, { portalId: string; objectType: PushObjectType; changes: LocalChange[] }>();
  const unnamed = changes.findIndex((c) => !c.portalId && !options.defaultPortalId);
  if (unnamed >= 0)
    throw new PortalRequiredError(`changes[${unnamed}].portalId: required (public-app mode serves many portals)`);
  for (const { objectType, portalId = options.defaultPortalId, localId, fields } of changes) {
    const workflowId = pushWorkflowId(portalId, objectType);
    const group = groups.get(workflowId) ?? { portalId, objectType, changes: [] };
    group.changes.push(fields === undefined ? { localId } : { localId, fields });
    groups.set(workflowId, group);
  }
  const notified: NotifiedWorkflow[] = [];
  for (const [workflowId, group] of groups) {
    const args: PushWorkflowInput = {
      portalId: group.portalId,
      objectType: group.objectType,
      hubspotTaskQueue: options.hubspotTaskQueue,
      batchWindowMs: options.batchWindowMs,
      idleTimeoutMs: options.idleTimeoutMs,
    };
    for (let i = 0; i < group.changes.length; i += SIGNAL_CHUNK) {
      // A bounded wait: the caller (an HTTP request, a relay holding row locks) must learn "not accepted" promptly.
      await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
        client.workflow.signalWithStart(pushWorkflow, {
          workflowId,
          taskQueue: options.taskQueue,
          args: [args],
          signal: localChangesSignal,
          signalArgs: [group.changes.slice(i, i + SIGNAL_CHUNK)],
          priority: portalPriority(group.portalId, PUSH_PRIORITY),
          typedSearchAttributes: new TypedSearchAttributes([
            { key: SyncDirectionKey, value: 'outbound' },
            { key: SyncTriggerKey, value: 'push' },
            { key: PortalIdKey, value: group.portalId },
            { key: HubSpotObjectTypeKey, value: group.objectType },
          ]),
          staticSummary: `PostgreSQL → HubSpot: ${group.objectType} of portal ${group.portalId}`,
          staticDetails: `Gathers the platform's ${group.objectType} changes and writes them to HubSpot in batches of up to 100 (batch update / upsert). Query pushStatus for counts; refusals are in sync_failures (hubsync failures).`,
        }),
      );
    }
    notified.push({
      workflowId,
      portalId: group.portalId,
      objectType: group.objectType,
      changes: group.changes.length,
    });
  }
  return notified;
}
