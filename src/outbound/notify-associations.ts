// How association changes reach their push workflow (`push:<portal>:associations`): the HTTP route and the
// TypeScript API go through this one signalWithStart, like record changes (notify.ts).
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { AssociationChange } from '../sync/association-changes';
import { PortalIdKey, SyncDirectionKey, SyncTriggerKey } from '../workflow-safe/search-attributes';
import { associationPushWorkflowId } from '../workflow-safe/ids';
import { portalPriority, PUSH_PRIORITY } from '../workflow-safe/priorities';
import type { PushStartOptions } from '../workflow-safe/push-options';
import { SIGNAL_CHUNK, SIGNAL_DEADLINE_MS } from './notify';
import {
  associationChangesSignal,
  associationPushWorkflow,
  type AssociationPushInput,
} from '../../workflows/outbound/association-push';

export type { AssociationChange } from '../sync/association-changes';

export interface AssociationChangeReport extends AssociationChange {
  /** Defaults to the options' portal. */
  portalId?: string;
}

/** Durable once it resolves (Temporal recorded every signal); repeating a report is harmless. */
export async function notifyAssociationChanges(
  client: Client,
  changes: readonly AssociationChangeReport[],
  options: PushStartOptions,
): Promise<Array<{ workflowId: string; portalId: string; changes: number }>> {
  const byPortal = new Map<string, AssociationChange[]>();
  for (const { portalId = options.defaultPortalId, ...change } of changes)
    byPortal.set(portalId, [...(byPortal.get(portalId) ?? []), change]);
  const notified: Array<{ workflowId: string; portalId: string; changes: number }> = [];
  for (const [portalId, list] of byPortal) {
    const workflowId = associationPushWorkflowId(portalId);
    const args: AssociationPushInput = {
      portalId,
      hubspotTaskQueue: options.hubspotTaskQueue,
      batchWindowMs: options.batchWindowMs,
      idleTimeoutMs: options.idleTimeoutMs,
    };
    for (let i = 0; i < list.length; i += SIGNAL_CHUNK) {
      await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
        client.workflow.signalWithStart(associationPushWorkflow, {
          workflowId,
          taskQueue: options.taskQueue,
          args: [args],
          signal: associationChangesSignal,
          signalArgs: [list.slice(i, i + SIGNAL_CHUNK)],
          priority: portalPriority(portalId, PUSH_PRIORITY),
          typedSearchAttributes: new TypedSearchAttributes([
            { key: SyncDirectionKey, value: 'outbound' },
            { key: SyncTriggerKey, value: 'push' },
            { key: PortalIdKey, value: portalId },
          ]),
          staticSummary: `PostgreSQL → HubSpot: associations of portal ${portalId}`,
          staticDetails:
            'Gathers the platform’s association changes and writes them to HubSpot in batches of up to 100 (v4 batch create / archive). Refusals are in sync_failures, HubSpot’s newer changes in sync_conflicts.',
        }),
      );
    }
    notified.push({ workflowId, portalId, changes: list.length });
  }
  return notified;
}
