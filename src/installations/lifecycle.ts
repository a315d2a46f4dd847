import { type Client, ScheduleNotFoundError, WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../config';
import type { HubSpotOAuthClient } from '../hubspot/oauth';
import type { Logger } from '../logger';
import { pushStartOptions } from '../outbound/notify';
import { startOutboxRelay } from '../outbound/start-outbox-relay';
import {
  deleteSyncSchedule,
  ensureSyncSchedule,
  pauseSyncSchedule,
  resumeSyncSchedule,
  type ScheduleConfig,
} from '../scheduled/schedules';
import { startBackfill } from '../scheduled/start-sync';
import { deletePortalRows, findInstallation, listInstallations, setInstallationState } from '../store/installations';
import type { PrismaClient } from '../store/prisma';
import { OBJECT_TYPES } from '../sync/object-types';
import { backfillWorkflowId, outboxRelayWorkflowId } from '../workflow-safe/ids';
import { REFRESH_PURPOSE } from './oauth-token-provider';
import type { TokenCipher } from './token-crypto';

// What runs in Temporal for one installation — its hourly schedule, its outbox relay and, on install, its
// backfill — started, paused, resumed and stopped together. The installations row says what should run; these
// functions make Temporal agree, and each is safe to repeat.

/** What the schedule needs, and what the outbox relay and the backfill add to it. */
export type LifecycleConfig = ScheduleConfig &
  Pick<Config, 'HUBSPOT_PORTAL_ID' | 'HUBSPOT_APP_MODE' | 'PUSH_BATCH_WINDOW_MS' | 'WORKFLOW_IDLE_TIMEOUT_MS'>;

/** Schedule (unpaused), outbox relay and, when asked, the initial backfill (attaches to a running one). */
export async function startInstallation(
  client: Client,
  config: LifecycleConfig,
  portalId: string,
  options: { backfill: boolean },
): Promise<void> {
  await ensureSyncSchedule(client, portalId, config);
  await resumeSyncSchedule(client, portalId, 'installation active');
  await startOutboxRelay(client, pushStartOptions(config), portalId);
  if (options.backfill)
    await startBackfill(client, portalId, config, { objectTypes: [...OBJECT_TYPES], restart: false });
}

/** Pauses the schedule and stops the relay and a running backfill (it resumes from its cursor on resume). */
export async function stopInstallationWork(client: Client, portalId: string, note: string): Promise<void> {
  await ignoreMissing(() => pauseSyncSchedule(client, portalId, note));
  await stopWorkflow(client, outboxRelayWorkflowId(portalId), note);
  await stopWorkflow(client, backfillWorkflowId(portalId), note);
}

export async function pauseInstallation(prisma: PrismaClient, client: Client, portalId: string): Promise<void> {
  await requireInstallation(prisma, portalId);
  await setInstallationState(prisma, portalId, 'paused', 'paused by an operator');
  await stopInstallationWork(client, portalId, 'paused with hubsync portals pause');
}

export async function resumeInstallation(
  prisma: PrismaClient,
  client: Client,
  config: LifecycleConfig,
  portalId: string,
): Promise<void> {
  const row = await requireInstallation(prisma, portalId);
  if (row.state === 'broken' || row.state === 'uninstalled')
    throw new Error(
      `portal ${portalId} is ${row.state}: it resumes when the app is installed again (hubsync portals install-url)`,
    );
  await setInstallationState(prisma, portalId, 'active', null);
  // A backfill stopped by the pause resumes from its cursor; one that had finished is not started again.
  const cursors = await prisma.syncCursor.count({
    where: { portalId, backfillCompletedAt: null, backfillStartedAt: { not: null } },
  });
  await startInstallation(client, config, portalId, { backfill: cursors > 0 });
}

/**
 * Uninstall: HubSpot is told to revoke the refresh token (best effort: a portal that already uninstalled the app
 * has revoked it), the tokens are erased, the schedule deleted, relay and backfill stopped; with deleteRows
 * the portal's rows go from every table, otherwise they stay (a reinstall links them again).
 */
export async function removeInstallation(
  deps: {
    prisma: PrismaClient;
    client: Client;
    oauth?: Pick<HubSpotOAuthClient, 'revoke'>;
    cipher?: TokenCipher;
    logger?: Logger;
  },
  portalId: string,
  options: { deleteRows: boolean },
): Promise<{ revoked: boolean; deletedRows?: Record<string, number> }> {
  const row = await requireInstallation(deps.prisma, portalId);
  let revoked = false;
  if (row.refreshToken && deps.oauth && deps.cipher) {
    try {
      await deps.oauth.revoke(deps.cipher.decrypt(row.refreshToken, REFRESH_PURPOSE));
      revoked = true;
    } catch (err) {
      deps.logger?.warn({ portalId, err: (err as Error).message }, 'refresh token not revoked at HubSpot');
    }
  }
  await setInstallationState(deps.prisma, portalId, 'uninstalled', 'removed by an operator', { eraseTokens: true });
  await stopInstallationWork(deps.client, portalId, 'removed with hubsync portals remove');
  await ignoreMissing(() => deleteSyncSchedule(deps.client, portalId));
  if (!options.deleteRows) return { revoked };
  const deletedRows = await deps.prisma.$transaction((tx) => deletePortalRows(tx, portalId), { timeout: 300_000 });
  return { revoked, deletedRows };
}

/**
 * Worker start in public-app mode: every active installation's schedule and relay run (a backfill interrupted
 * by a restart is resumed by its workflow, not here); a broken or paused one's schedule stays paused.
 */
export async function ensureInstallationsOnStart(
  prisma: PrismaClient,
  client: Client,
  config: LifecycleConfig,
  logger: Logger,
): Promise<void> {
  for (const row of await listInstallations(prisma)) {
    try {
      if (row.state === 'active') await startInstallation(client, config, row.portalId, { backfill: false });
      else if (row.state === 'broken' || row.state === 'paused')
        await ignoreMissing(() => pauseSyncSchedule(client, row.portalId, `installation ${row.state}`));
    } catch (err) {
      logger.error({ portalId: row.portalId, err: (err as Error).message }, 'could not start the installation');
    }
  }
}

async function requireInstallation(prisma: PrismaClient, portalId: string) {
  const row = await findInstallation(prisma, portalId);
  if (!row) throw new Error(`portal ${portalId} is not installed (hubsync portals lists the installations)`);
  return row;
}

async function stopWorkflow(client: Client, workflowId: string, reason: string): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).terminate(reason);
  } catch (err) {
    // Not running (never started, or already ended): nothing to stop.
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

async function ignoreMissing(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}
