import type { PrismaClient } from '../store/prisma';
import { countParked } from '../store/parked-events';
import { tableSizes, type RetentionTable } from '../store/retention';
import { MASS_ARCHIVE_REFUSED } from '../store/sync-failures';
import { tableFor } from '../store/tables';
import { OBJECT_TYPES, type ObjectType } from '../sync/object-types';
import { flag, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK } from './context';
import { withDatabase } from './database';
import { age, table } from './format';

// Where each object type of a portal stands, from hubsync's own bookkeeping (no Temporal call, so it answers
// while Temporal is down): watermark, backfill, the latest run, rows held, open failures, recent conflicts.

export interface TypeStatus {
  objectType: ObjectType;
  records: number;
  archived: number;
  watermark: string | null;
  lagSeconds: number | null;
  backfill: { done: number; completedAt: string | null } | null;
  lastRun: {
    workflowId: string | null;
    direction: string;
    trigger: string;
    status: string;
    startedAt: string;
    finishedAt: string | null;
    error: string | null;
    counts: unknown;
  } | null;
  unresolvedFailures: number;
  conflicts24h: number;
  /** The latest unresolved refusal of the mass-archive guard: rows HubSpot reported gone, left live. */
  archiveGuard: { at: string; message: string } | null;
}

export interface PortalStatus {
  portalId: string;
  lastPortalRun: TypeStatus['lastRun'];
  types: TypeStatus[];
  /** Records whose events were parked once their rounds ran out, not yet redriven (hubsync parked). */
  parked: { records: number; events: number };
  /** Rows in each bookkeeping table (all portals), which the retention schedule prunes. */
  bookkeeping: Record<RetentionTable, number>;
}

interface RunRow {
  object_type: string | null;
  workflow_id: string | null;
  direction: string;
  trigger: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  counts: unknown;
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'per object type: watermark, backfill, last run, records, open failures, conflicts',
  usage: ['status [--json] [--check]'],
  options: [
    { name: 'json', description: 'one JSON object on stdout' },
    {
      name: 'check',
      description: 'exit 1 when a failure is unresolved, events are parked or the latest run of a type failed',
    },
  ],
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0] ?? ''}`);
    const status = await withDatabase(ctx.config, (prisma) => portalStatus(prisma, ctx.portalId));
    if (flag(args, 'json', false)) ctx.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else ctx.stdout.write(render(status));
    const unhealthy =
      status.parked.records > 0 || status.types.some((t) => t.unresolvedFailures > 0 || t.lastRun?.status === 'failed');
    return flag(args, 'check', false) && unhealthy ? EXIT_FAILURE : EXIT_OK;
  },
};

export async function portalStatus(prisma: PrismaClient, portalId: string): Promise<PortalStatus> {
  const [cursors, runs, failures, conflicts, guards] = await Promise.all([
    prisma.syncCursor.findMany({ where: { portalId } }),
    prisma.$queryRaw<RunRow[]>`
      SELECT DISTINCT ON (object_type) object_type, workflow_id, direction, trigger, status, started_at, finished_at, error, counts
      FROM sync_runs WHERE portal_id = ${portalId} ORDER BY object_type, started_at DESC`,
    prisma.syncFailure.groupBy({ by: ['objectType'], where: { portalId, resolvedAt: null }, _count: { _all: true } }),
    prisma.syncConflict.groupBy({
      by: ['objectType'],
      where: { portalId, createdAt: { gte: new Date(Date.now() - 86_400_000) } },
      _count: { _all: true },
    }),
    prisma.syncFailure.findMany({
      where: { portalId, resolvedAt: null, category: MASS_ARCHIVE_REFUSED },
      orderBy: { createdAt: 'desc' },
      select: { objectType: true, createdAt: true, message: true },
    }),
  ]);
  const lastRun = (objectType: string | null): TypeStatus['lastRun'] => {
    const r = runs.find((run) => run.object_type === objectType);
    if (!r) return null;
    return {
      workflowId: r.workflow_id,
      direction: r.direction,
      trigger: r.trigger,
      status: r.status,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      error: r.error,
      counts: r.counts,
    };
  };
  const types: TypeStatus[] = [];
  for (const objectType of OBJECT_TYPES) {
    const rows = await prisma.$queryRawUnsafe<Array<{ live: number; archived: number }>>(
      `SELECT count(*) FILTER (WHERE NOT archived)::int AS live, count(*) FILTER (WHERE archived)::int AS archived FROM ${tableFor(objectType).table} WHERE portal_id = $1`,
      portalId,
    );
    const cursor = cursors.find((c) => c.objectType === objectType);
    types.push({
      objectType,
      records: rows[0]?.live ?? 0,
      archived: rows[0]?.archived ?? 0,
      watermark: cursor?.watermark?.toISOString() ?? null,
      lagSeconds: cursor?.watermark ? Math.round((Date.now() - cursor.watermark.getTime()) / 1000) : null,
      backfill: cursor?.backfillStartedAt
        ? { done: cursor.backfillDone, completedAt: cursor.backfillCompletedAt?.toISOString() ?? null }
        : null,
      lastRun: lastRun(objectType),
      unresolvedFailures: failures.find((f) => f.objectType === objectType)?._count._all ?? 0,
      conflicts24h: conflicts.find((c) => c.objectType === objectType)?._count._all ?? 0,
      archiveGuard: ((g) => (g ? { at: g.createdAt.toISOString(), message: g.message } : null))(
        guards.find((g) => g.objectType === objectType),
      ),
    });
  }
  return {
    portalId,
    lastPortalRun: lastRun(null),
    types,
    parked: await countParked(prisma, portalId),
    bookkeeping: await tableSizes(prisma),
  };
}

function render(status: PortalStatus): string {
  const when = (iso: string | null | undefined) => (iso ? age(new Date(iso)) : '-');
  const run = (r: TypeStatus['lastRun']) =>
    r ? `${r.trigger} ${r.direction} ${r.status} ${when(r.finishedAt ?? r.startedAt)}` : '-';
  const rows = status.types.map((t) => [
    t.objectType,
    String(t.records) + (t.archived > 0 ? ` (+${t.archived} archived)` : ''),
    t.watermark ? `${t.watermark} (${when(t.watermark)})` : 'never synced',
    t.backfill ? (t.backfill.completedAt ? `done ${t.backfill.done}` : `running ${t.backfill.done}`) : '-',
    run(t.lastRun),
    String(t.unresolvedFailures),
    String(t.conflicts24h),
  ]);
  const lines = [
    `portal ${status.portalId}` +
      (status.lastPortalRun
        ? `; last sync run ${status.lastPortalRun.workflowId ?? ''}: ${run(status.lastPortalRun)}`
        : '; no sync run yet'),
    '',
    table(['type', 'records', 'watermark', 'backfill', 'last run', 'failures', 'conflicts 24h'], rows),
  ];
  const failed = status.types.filter((t) => t.lastRun?.status === 'failed');
  for (const t of failed)
    lines.push(
      `${t.objectType}: last run failed: ${t.lastRun?.error ?? 'see the Temporal UI'} (${t.lastRun?.workflowId ?? ''})`,
    );
  for (const t of status.types)
    if (t.archiveGuard)
      lines.push(`${t.objectType}: mass-archive guard ${when(t.archiveGuard.at)}: ${t.archiveGuard.message}`);
  if (status.types.some((t) => t.unresolvedFailures > 0)) lines.push('', 'see: hubsync failures');
  lines.push(
    '',
    `parked webhook events: ${status.parked.events} of ${status.parked.records} records` +
      (status.parked.records > 0 ? ' (see: hubsync parked --redrive)' : ''),
  );
  lines.push(
    '',
    `bookkeeping rows (pruned by the retention schedule): ${Object.entries(status.bookkeeping)
      .map(([name, rows]) => `${name} ${rows}`)
      .join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}
