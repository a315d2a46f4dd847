// When each phase of a backfill ran, from its Temporal histories (every continue-as-new run of the backfill and
// of its association read): the setup before the first page, the pages, the association read. Seconds from the
// backfill's start; shows which phases leave HubSpot's budget idle.
import type { Client } from '@temporalio/client';

export interface Phase {
  /** Activities of the phase that completed. */
  activities: number;
  from: number;
  to: number;
}

export type Phases = Partial<Record<'setup' | 'pages' | 'linkCheck' | 'associations', Phase>>;

const PHASE_OF: Record<string, keyof Phases> = {
  beginBackfill: 'setup',
  estimateTotals: 'setup',
  openSyncRun: 'setup',
  backfillPage: 'pages',
  checkLinksPage: 'linkCheck',
  associationHoldings: 'associations',
  syncAssociationLabels: 'associations',
  syncAssociationsPage: 'associations',
};

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);

export async function backfillPhases(client: Client, workflowIds: string[], since: number): Promise<Phases> {
  const phases: Phases = {};
  let origin = Number.POSITIVE_INFINITY;
  const spans: Array<{ phase: keyof Phases; from: number; to: number }> = [];
  for (const workflowId of workflowIds) {
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (run.startTime.getTime() < since) continue;
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      const scheduled = new Map<string, { name: string; at: number }>();
      for (const event of history.events ?? []) {
        const at = ms(event.eventTime);
        origin = Math.min(origin, at);
        const s = event.activityTaskScheduledEventAttributes;
        if (s) scheduled.set(String(event.eventId), { name: s.activityType?.name ?? '', at });
        const done = event.activityTaskCompletedEventAttributes;
        const activity = done && scheduled.get(String(done.scheduledEventId));
        const phase = activity && PHASE_OF[activity.name];
        if (activity && phase) spans.push({ phase, from: activity.at, to: at });
      }
    }
  }
  for (const span of spans) {
    const p = (phases[span.phase] ??= { activities: 0, from: Number.POSITIVE_INFINITY, to: 0 });
    p.activities += 1;
    p.from = Math.min(p.from, (span.from - origin) / 1000);
    p.to = Math.max(p.to, (span.to - origin) / 1000);
  }
  return phases;
}
