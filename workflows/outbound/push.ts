// One long-lived workflow per portal and object type gathers the platform's change reports and pushes them to
// HubSpot in batches: up to 100 records, or whatever arrived within the batch window. It ends after an idle
// period (the next signalWithStart starts it again) and continues as new before its history grows large.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  PushActivities,
  PushBatchResult,
  PushFailureSummary,
  PushStoreActivities,
} from '../../activities/outbound/push';
import type { SyncRunActivities } from '../../activities/sync-runs';
import {
  historyIsLong,
  PUSH_BATCH_RETRY,
  PUSH_WORKFLOW_HISTORY_LIMIT,
  STORE_RETRY,
} from '../../src/workflow-safe/limits';
import { mergeFields, type LocalChange, type PushObjectType } from '../../src/sync/local-changes';

export interface PushWorkflowInput {
  portalId: string;
  objectType: PushObjectType;
  /** The HubSpot task queue (rate-limited server-side) the batch activity runs on. */
  hubspotTaskQueue: string;
  /** How long changes gather after the first one arrives, unless a full batch is ready sooner. */
  batchWindowMs: number;
  /** The workflow completes after this long without work. */
  idleTimeoutMs: number;
  maxBatchSize?: number;
  /** Batches in flight at once (a record is never in two of them). */
  maxConcurrentBatches?: number;
  /** History length after which the workflow continues as new (default PUSH_WORKFLOW_HISTORY_LIMIT; tests lower it). */
  historyLimit?: number;
  /** Carried across continue-as-new. */
  carried?: { pending: Array<[string, string[] | null]>; summary: PushSummary };
}

export interface PushSummary {
  received: number;
  batches: number;
  created: number;
  updated: number;
  unchanged: number;
  missing: number;
  failed: number;
  conflicts: number;
  writeCalls: number;
  readCalls: number;
  /** The latest refusals (newest last); every one is also a sync_failures row. */
  recentFailures: PushFailureSummary[];
}

export interface PushStatus extends PushSummary {
  pending: number;
  inFlight: number;
}

export const localChangesSignal = defineSignal<[LocalChange[]]>('localChanges');
export const pushStatusQuery = defineQuery<PushStatus>('pushStatus');

const RECENT_FAILURES = 20;

const emptySummary = (): PushSummary => ({
  received: 0,
  batches: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  missing: 0,
  failed: 0,
  conflicts: 0,
  writeCalls: 0,
  readCalls: 0,
  recentFailures: [],
});

export async function pushWorkflow(input: PushWorkflowInput): Promise<PushSummary> {
  const maxBatch = input.maxBatchSize ?? 100;
  const maxConcurrent = input.maxConcurrentBatches ?? 4;
  const { pushBatch } = proxyActivities<PushActivities>({
    taskQueue: input.hubspotTaskQueue,
    // The client waits out short 429 windows inside the call; everything else is retried here, with the delay
    // toTemporalFailure chose (429 DAILY: the account's midnight). Once the attempts are spent the records become
    // sync_failures rows (below), which `hubsync replay` pushes again.
    startToCloseTimeout: '3m',
    heartbeatTimeout: '10s', // a batch lost with its worker is retried in seconds (src/temporal/activity-heartbeats.ts)
    retry: PUSH_BATCH_RETRY,
  });
  const { recordPushBatchFailure, openSyncRun, closeSyncRun } = proxyActivities<
    PushStoreActivities & SyncRunActivities
  >({
    startToCloseTimeout: '30s',
    retry: STORE_RETRY,
  });
  const { workflowId, runId } = workflowInfo();

  const pending = new Map<string, string[] | null>(input.carried?.pending ?? []);
  const inFlight = new Set<string>();
  const summary: PushSummary = input.carried?.summary ?? emptySummary();
  let running = 0;

  setHandler(localChangesSignal, (changes) => {
    for (const change of changes) {
      summary.received += 1;
      pending.set(
        change.localId,
        pending.has(change.localId)
          ? mergeFields(pending.get(change.localId) ?? null, change.fields)
          : (change.fields ?? null),
      );
    }
  });
  setHandler(pushStatusQuery, () => ({ ...summary, pending: pending.size, inFlight: inFlight.size }));

  const available = (): number => {
    let n = 0;
    for (const id of pending.keys()) if (!inFlight.has(id)) n += 1;
    return n;
  };

  const takeBatch = (): LocalChange[] => {
    const batch: LocalChange[] = [];
    for (const [localId, fields] of pending) {
      if (batch.length >= maxBatch) break;
      if (inFlight.has(localId)) continue;
      batch.push(fields === null ? { localId } : { localId, fields });
    }
    for (const change of batch) {
      pending.delete(change.localId);
      inFlight.add(change.localId);
    }
    return batch;
  };

  const absorb = (result: PushBatchResult): void => {
    summary.batches += 1;
    for (const key of [
      'created',
      'updated',
      'unchanged',
      'missing',
      'failed',
      'conflicts',
      'writeCalls',
      'readCalls',
    ] as const)
      summary[key] += result[key];
    summary.recentFailures = [...summary.recentFailures, ...result.failures].slice(-RECENT_FAILURES);
  };

  const runBatch = async (batch: LocalChange[]): Promise<void> => {
    running += 1;
    try {
      absorb(await pushBatch({ portalId: input.portalId, objectType: input.objectType, changes: batch, workflowId }));
    } catch (err) {
      // A non-retryable failure (auth on a write, a malformed answer) or spent attempts: the records are recorded as failed,
      // visible in sync_failures and this workflow's status, instead of blocking every later change.
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
      const category = cause?.type ?? 'PUSH_FAILED';
      const message = cause?.message ?? err.message;
      await recordPushBatchFailure({
        portalId: input.portalId,
        objectType: input.objectType,
        localIds: batch.map((c) => c.localId),
        workflowId,
        category,
        message,
      });
      summary.batches += 1;
      summary.failed += batch.length;
      summary.recentFailures = [
        ...summary.recentFailures,
        ...batch.slice(0, 3).map((c) => ({ localId: c.localId, category, message })),
      ].slice(-RECENT_FAILURES);
    } finally {
      for (const change of batch) inFlight.delete(change.localId);
      running -= 1;
      // Counts only (never values): what an operator sees on this run in the Temporal UI.
      setCurrentDetails(
        `${summary.received} changes received, ${summary.batches} batches: created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, ` +
          `failed ${summary.failed}, conflicts ${summary.conflicts}, missing ${summary.missing}` +
          (summary.recentFailures.length > 0
            ? `\nlatest refusal: ${summary.recentFailures.at(-1)?.category ?? ''} (hubsync failures --type ${input.objectType})`
            : ''),
      );
    }
  };

  await openSyncRun({
    runKey: runId,
    portalId: input.portalId,
    objectType: input.objectType,
    direction: 'outbound',
    trigger: 'push',
    workflowId,
  });
  const counts = (): Record<string, number> => {
    const { recentFailures: _recent, ...numbers } = summary;
    return numbers;
  };

  for (;;) {
    if (available() === 0) {
      if (running > 0) {
        await condition(() => available() > 0 || running === 0);
        continue;
      }
      if (!(await condition(() => available() > 0, input.idleTimeoutMs))) break;
    }
    // The window opens with the first change; a full batch does not wait for it to close.
    await condition(() => available() >= maxBatch, input.batchWindowMs);
    while (available() > 0 && running < maxConcurrent) void runBatch(takeBatch());
    await condition(() => running < maxConcurrent);

    const info = workflowInfo();
    if (historyIsLong(info, input.historyLimit ?? PUSH_WORKFLOW_HISTORY_LIMIT)) {
      await condition(() => running === 0);
      await closeSyncRun({ runKey: runId, status: 'completed', counts: counts() });
      await continueAsNew<typeof pushWorkflow>({ ...input, carried: { pending: [...pending.entries()], summary } });
    }
  }
  await closeSyncRun({ runKey: runId, status: 'completed', counts: counts() });
  // A report that arrived while the run was closing must not be lost with it.
  if (pending.size > 0)
    await continueAsNew<typeof pushWorkflow>({ ...input, carried: { pending: [...pending.entries()], summary } });
  return summary;
}
