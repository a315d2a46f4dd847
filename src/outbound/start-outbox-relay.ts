import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { createTemporalClient } from '../temporal/client';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { pushStartOptions, type PushStartOptions } from './notify';
import { outboxRelayWorkflow, type OutboxRelayInput } from '../../workflows/outbound/outbox-relay';
import { PortalIdKey, SyncDirectionKey, SyncTriggerKey } from '../workflow-safe/search-attributes';
import { outboxRelayWorkflowId } from '../workflow-safe/ids';
import { portalPriority, PUSH_PRIORITY } from '../workflow-safe/priorities';

/** Starts the portal's outbox relay unless it already runs (the worker calls this at start; safe to repeat). */
export async function startOutboxRelay(
  client: Client,
  push: PushStartOptions,
  portalId = push.defaultPortalId,
  tuning: Omit<OutboxRelayInput, 'portalId' | 'push'> = {},
): Promise<string> {
  const workflowId = outboxRelayWorkflowId(portalId);
  await client.workflow.start(outboxRelayWorkflow, {
    workflowId,
    taskQueue: push.taskQueue,
    args: [{ portalId, push, ...tuning }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    priority: portalPriority(portalId, PUSH_PRIORITY),
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SyncDirectionKey, value: 'outbound' },
      { key: SyncTriggerKey, value: 'push' },
      { key: PortalIdKey, value: portalId },
    ]),
    staticSummary: `outbox → push workflows, portal ${portalId}`,
    staticDetails:
      'Relays committed rows of the outbox table to the push workflows (FOR UPDATE SKIP LOCKED, marked dispatched once Temporal accepted them). Runs forever; continues as new.',
  });
  return workflowId;
}

/** For the worker's start: a relay that cannot be started is logged, not fatal (pushes via HTTP still work). */
export async function ensureOutboxRelayOnStart(config: Config, logger: Logger): Promise<void> {
  const { connection, client } = createTemporalClient(config);
  try {
    const workflowId = await startOutboxRelay(client, pushStartOptions(config));
    logger.info({ workflowId }, 'outbox relay running');
  } catch (err) {
    logger.error(
      { err: (err as Error).message, workflowId: outboxRelayWorkflowId(config.HUBSPOT_PORTAL_ID) },
      'could not start the outbox relay',
    );
  } finally {
    await connection.close();
  }
}
