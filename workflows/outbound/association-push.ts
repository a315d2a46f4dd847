// One long-lived workflow per portal gathers the platform's association changes and pushes them to HubSpot in
// batches of up to 100 (activities/outbound/association-push.ts). A change whose ends are not in HubSpot yet (the
// records' own pushes run beside this one) is asked again after a pause, a bounded number of times, then recorded
// as a failure. Ends after an idle period; continues as new before its history grows large.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  AssociationPushActivities,
  AssociationPushStoreActivities,
} from '../../activities/outbound/association-push';
import { associationChangeKey, laterChange, type AssociationChange } from '../../src/sync/association-changes';
import {
  historyIsLong,
  PUSH_BATCH_RETRY,
  PUSH_WORKFLOW_HISTORY_LIMIT,
  STORE_RETRY,
} from '../../src/workflow-safe/limits';

export interface AssociationPushInput {
  portalId: string;
  hubspotTaskQueue: string;
  batchWindowMs: number;
  idleTimeoutMs: number;
  /** Pause before a change waiting for its ends is asked again (default 5 s), and how often (default 12). */
  waitMs?: number;
  maxWaits?: number;
  historyLimit?: number;
  carried?: { pending: Array<[string, Pending]>; summary: AssociationPushSummary };
}

interface Pending {
  change: AssociationChange;
  waits: number;
  /** Workflow-clock ms before which it is not sent again (a waiting change). */
  notBefore: number;
}

export interface AssociationPushSummary {
  received: number;
  batches: number;
  created: number;
  removed: number;
  unchanged: number;
  conflicts: number;
  failed: number;
  writeCalls: number;
}

export const associationChangesSignal = defineSignal<[AssociationChange[]]>('associationChanges');

const BATCH = 100;

export async function associationPushWorkflow(input: AssociationPushInput): Promise<AssociationPushSummary> {
  const { pushAssociations } = proxyActivities<AssociationPushActivities>({
    taskQueue: input.hubspotTaskQueue,
    startToCloseTimeout: '3m',
    retry: PUSH_BATCH_RETRY,
  });
  const { recordAssociationFailures } = proxyActivities<AssociationPushStoreActivities>({
    startToCloseTimeout: '30s',
    retry: STORE_RETRY,
  });
  const waitMs = input.waitMs ?? 5_000;
  const maxWaits = input.maxWaits ?? 12;
  const { workflowId } = workflowInfo();
  const pending = new Map<string, Pending>(input.carried?.pending ?? []);
  const summary: AssociationPushSummary = input.carried?.summary ?? {
    received: 0,
    batches: 0,
    created: 0,
    removed: 0,
    unchanged: 0,
    conflicts: 0,
    failed: 0,
    writeCalls: 0,
  };

  associationSignalHandler(pending, summary);
  const ready = () => [...pending.values()].filter((p) => p.notBefore <= Date.now());

  for (;;) {
    if (pending.size === 0 && !(await condition(() => pending.size > 0, input.idleTimeoutMs))) break;
    if (ready().length === 0) {
      const next = Math.min(...[...pending.values()].map((p) => p.notBefore));
      await condition(() => ready().length >= BATCH, Math.max(1, next - Date.now()));
      continue;
    }
    await condition(() => ready().length >= BATCH, input.batchWindowMs);
    const batch = ready().slice(0, BATCH);
    for (const p of batch) pending.delete(associationChangeKey(p.change));
    let result;
    try {
      result = await pushAssociations({ portalId: input.portalId, changes: batch.map((p) => p.change), workflowId });
    } catch (err) {
      // A non-retryable failure or spent attempts: recorded, so later changes are not blocked behind it.
      if (!(err instanceof ActivityFailure)) throw err;
      const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
      await recordAssociationFailures({
        portalId: input.portalId,
        changes: batch.map((p) => p.change),
        workflowId,
        category: cause?.type ?? 'PUSH_FAILED',
        message: cause?.message ?? err.message,
      });
      summary.batches += 1;
      summary.failed += batch.length;
      continue;
    }
    summary.batches += 1;
    for (const key of ['created', 'removed', 'unchanged', 'conflicts', 'failed', 'writeCalls'] as const)
      summary[key] += result[key];
    const gaveUp: AssociationChange[] = [];
    for (const change of result.waiting) {
      const key = associationChangeKey(change);
      if (pending.has(key)) continue; // a newer report of it arrived meanwhile
      const waits = (batch.find((p) => associationChangeKey(p.change) === key)?.waits ?? 0) + 1;
      if (waits > maxWaits) gaveUp.push(change);
      else pending.set(key, { change, waits, notBefore: Date.now() + waitMs });
    }
    if (gaveUp.length > 0) {
      await recordAssociationFailures({ portalId: input.portalId, changes: gaveUp, workflowId });
      summary.failed += gaveUp.length;
    }
    setCurrentDetails(
      `${summary.received} association changes, ${summary.batches} batches: created ${summary.created}, removed ${summary.removed}, unchanged ${summary.unchanged}, conflicts ${summary.conflicts}, failed ${summary.failed}, waiting ${pending.size}`,
    );
    if (historyIsLong(workflowInfo(), input.historyLimit ?? PUSH_WORKFLOW_HISTORY_LIMIT))
      await continueAsNew<typeof associationPushWorkflow>({ ...input, carried: { pending: [...pending], summary } });
  }
  return summary;
}

function associationSignalHandler(pending: Map<string, Pending>, summary: AssociationPushSummary): void {
  setHandler(associationChangesSignal, (changes) => {
    for (const change of changes) {
      summary.received += 1;
      const key = associationChangeKey(change);
      const prior = pending.get(key);
      pending.set(key, { change: laterChange(prior?.change, change), waits: 0, notBefore: 0 });
    }
  });
}
