// How association changes reach their push workflow (`push:<portal>:associations`): the HTTP route, the outbox
// relay and the TypeScript API go through this one signalWithStart, like record changes (notify.ts).
import type { Client } from '@temporalio/client';
import type { AssociationChange } from '../sync/association-changes';
import { associationPushWorkflowId } from '../workflow-safe/ids';
import type { PushStartOptions } from '../workflow-safe/push-options';
import { groupByPortal, pushWorkflowStart, signalInChunks, type PortalCheck } from './signal-push';
import {
  associationChangesSignal,
  associationPushWorkflow,
  type AssociationPushInput,
} from '../../workflows/outbound/association-push';

export type { AssociationChange } from '../sync/association-changes';

export interface AssociationChangeReport extends AssociationChange {
  /** Defaults to the options' portal; required in public-app mode (no default portal there). */
  portalId?: string;
}

/**
 * Durable once it resolves (Temporal recorded every signal); repeating a report is harmless. A change without a
 * portal where there is no default one, or for a portal not in `check.servedPortals`, rejects the whole call,
 * naming it (`associations[i].portalId`).
 */
export async function notifyAssociationChanges(
  client: Client,
  changes: readonly AssociationChangeReport[],
  options: PushStartOptions,
  check: PortalCheck = {},
): Promise<Array<{ workflowId: string; portalId: string; changes: number }>> {
  const groups = groupByPortal('associations', changes, options.defaultPortalId, associationPushWorkflowId, check);
  const notified: Array<{ workflowId: string; portalId: string; changes: number }> = [];
  for (const [workflowId, { portalId, reports }] of groups) {
    const list: AssociationChange[] = reports.map(({ portalId: _portal, ...change }) => change);
    const args: AssociationPushInput = {
      portalId,
      hubspotTaskQueue: options.hubspotTaskQueue,
      batchWindowMs: options.batchWindowMs,
      idleTimeoutMs: options.idleTimeoutMs,
    };
    await signalInChunks(client, list, (chunk) =>
      client.workflow.signalWithStart(associationPushWorkflow, {
        ...pushWorkflowStart(workflowId, portalId, options),
        args: [args],
        signal: associationChangesSignal,
        signalArgs: [chunk],
        staticSummary: `PostgreSQL → HubSpot: associations of portal ${portalId}`,
        staticDetails:
          'Gathers the platform’s association changes and writes them to HubSpot in batches of up to 100 (v4 batch create / archive). Refusals are in sync_failures, HubSpot’s newer changes in sync_conflicts.',
      }),
    );
    notified.push({ workflowId, portalId, changes: list.length });
  }
  return notified;
}
