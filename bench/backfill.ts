// Backfill throughput: ≥ 100,000 records of every type from the simulator (its own process) into PostgreSQL
// through a real worker process, (1) with the simulator at a fixed rate ceiling — records/s as a fraction of
// that ceiling, 10-second-window 429s, the worker's peak RSS — beside a naive loop (sequential pages, one
// upsert per record) against the same ceiling; (2) with the simulator unlimited: the pipeline's own ceiling.
// Usage: npm run bench:backfill [-- --records 100000 --requests-per-10s 190 --naive-seconds 20 --runs all --cpu-prof DIR]
// --runs picks some of ceiling,naive,unlimited,unlimited-1page (the memory run: --records 1000000 --runs unlimited).
// Each pipeline run also reports CPU seconds per process (worker, simulator, Temporal server, the worker's
// PostgreSQL backends) and the backfill's Temporal history events: where the time goes.
// Temporal splits a task queue's rate limit across its partitions (4 by default); with at most one page in
// flight per type, most partitions sit idle, so run the server with one partition per task queue
// (matching.numTaskqueueReadPartitions=1 / numTaskqueueWritePartitions=1) and say so in BENCH_TEMPORAL_NOTE.
// Needs PostgreSQL and the Temporal dev server (scripts/temporal-server.sh start). Writes bench/results/backfill.{json,md}.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { backfillPagesPerActivity, parseConfig, type Config } from '../src/config';
import { createHubSpotClient, StaticTokenProvider } from '../src/hubspot';
import { createPrisma, type PrismaClient } from '../src/store/prisma';
import { OBJECT_TYPES } from '../src/sync/object-types';
import { deleteSyncSchedule } from '../src/scheduled/schedules';
import { startBackfill } from '../src/scheduled/start-sync';
import { associationSyncWorkflowId } from '../src/workflow-safe/ids';
import type { BackfillProgress } from '../workflows/scheduled/backfill';
import { backfillPhases, type Phase, type Phases } from './support/phases';
import { cpuOf, groupSamples, killGroup, procSample, spawnTsx } from './support/processes';
import { REQUEST_KINDS, requestsByKind, type RequestKind } from './support/requests';
import {
  benchArgs,
  DATABASE_URL,
  hubsyncEnv,
  loadNow,
  machineInfo,
  migrateBenchDatabase,
  ROOT,
  round,
  simAdmin as admin,
  TEMPORAL_ADDRESS,
  writeResults,
  type MachineInfo,
} from './support/setup';

const args = benchArgs();
const RECORDS = Number(args.get('records') ?? 100_000);
const CEILING_PER_10S = Number(args.get('requests-per-10s') ?? 190);
const NAIVE_SECONDS = Number(args.get('naive-seconds') ?? 20);
const RUNS = new Set((args.get('runs') ?? 'ceiling,naive,unlimited,unlimited-1page').split(','));
const CPU_PROFILE_DIR = args.get('cpu-prof');
// The simulator unlimited, but the worker told HubSpot allows 99 requests/s: backfillPagesPerActivity is then
// 1, the pipeline as it was (one page per activity) — the alternative to the grouped pages, in the same run.
const ONE_PAGE_REQUESTS_PER_10S = 990;
const PORTAL = String(7_000_000 + Math.floor(Math.random() * 1_000_000));
const TOKEN = 'bench-token';
// Equal shares per type (owners come on top: the seed's default 10). HubSpot's list cursor is opaque, so
// each type pages sequentially; types run in parallel, and the largest type sets the wall time.
const MIX = { contacts: 0.2, companies: 0.2, deals: 0.2, tickets: 0.2, tasks: 0.2 } as const;

/** The Temporal dev server scripts/temporal-server.sh started for this port, when it did. */
function temporalServerPid(): number | undefined {
  const port = TEMPORAL_ADDRESS.split(':').pop();
  const file = path.join(ROOT, 'data/temporal', `server-${port}.pid`);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
}

function workerConfig(simUrl: string, queue: string, requestsPer10s: number): Record<string, string> {
  return hubsyncEnv(simUrl, queue, {
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_CLIENT_SECRET: randomBytes(24).toString('hex'),
    HUBSPOT_PORTAL_ID: PORTAL,
    HUBSPOT_REQUESTS_PER_10S: String(requestsPer10s),
  });
}

interface PipelineRun {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  rateLimited10s: number;
  rateLimitedOther: number;
  hubspotRequests: number;
  hubspotRequestsByEndpoint: Record<string, number>;
  /** List pages (owners too), record batch reads, searches, property definitions, v4 association reads, labels. */
  hubspotRequestsByKind: Record<RequestKind, number>;
  /** Requests per second counted in HubSpot's 10-second window (all but searches) ÷ the ceiling's. */
  fractionOfRequestCeiling: number;
  /** Seconds from the backfill's first event: when the setup, pages, link check and association read ran. */
  phases: Phases;
  /** The worker's node process alone. */
  workerPeakRssMb: number;
  workerIdleRssMb: number;
  /** Every process of the worker's group (esbuild too). */
  workerGroupPeakRssMb: number;
  /** CPU seconds spent during the run, per process. */
  cpuSeconds: { worker: number; simulator: number; temporal: number | null; postgres: number };
  /** Events in the backfill's histories (every continue-as-new run). */
  temporalHistoryEvents: number | null;
}

/** CPU seconds of each backend connected to the bench database (the worker's pool, the bench's own). */
async function postgresCpu(prisma: PrismaClient): Promise<Map<number, number>> {
  const rows = await prisma.$queryRawUnsafe<Array<{ pid: number }>>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  return new Map(rows.map((r) => [r.pid, cpuOf([r.pid])]));
}

async function historyEvents(client: Client, workflowId: string): Promise<number | null> {
  try {
    let total = 0;
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (run.startTime.getTime() >= runStartedAt) total += run.historyLength;
    }
    return total;
  } catch {
    return null;
  }
}
let runStartedAt = 0;

async function runPipeline(
  client: Client,
  prisma: PrismaClient,
  sim: { url: string; pgid: number },
  label: string,
  requestsPer10s: number,
): Promise<PipelineRun> {
  const simUrl = sim.url;
  const env = workerConfig(simUrl, `bench-${PORTAL}-${label}`, requestsPer10s);
  const profile = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR, label)}`] : [];
  const { child } = await spawnTsx('src/worker.ts', [], env, /worker running/, profile);
  const pgid = child.pid as number;
  // The worker is the group's largest process (beside it: esbuild, tsx's transformer).
  const workerPid = () => [...groupSamples(pgid)].sort((a, b) => b.rssBytes - a.rssBytes)[0]?.pid ?? pgid;
  const worker = workerPid();
  const workerIdleRss = procSample(worker).rssBytes;
  let peak = 0;
  let groupPeak = 0;
  const sampler = setInterval(() => {
    const samples = groupSamples(pgid);
    groupPeak = Math.max(
      groupPeak,
      samples.reduce((sum, p) => sum + p.rssBytes, 0),
    );
    peak = Math.max(peak, samples.find((p) => p.pid === worker)?.rssBytes ?? 0);
  }, 250);
  const temporalPid = temporalServerPid();
  const postgresBefore = await postgresCpu(prisma);
  const cpuBefore = {
    worker: cpuOf(groupSamples(pgid).map((p) => p.pid)),
    simulator: cpuOf(groupSamples(sim.pgid).map((p) => p.pid)),
    temporal: temporalPid === undefined ? null : cpuOf([temporalPid]),
  };
  await admin(simUrl, 'POST', '/__sim/counters/reset', {});
  await admin(simUrl, 'POST', '/__sim/rate-limits/reset', {});

  const config = parseConfig(env) as Config;
  // The worker's pool connections open with its first pages: their CPU before that is negligible.
  const started = performance.now();
  runStartedAt = Date.now() - 1_000;
  const handle = await startBackfill(client, PORTAL, config, { objectTypes: [...OBJECT_TYPES], restart: true });
  const progress: BackfillProgress = await handle.result();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const cpuSeconds = {
    worker: round(cpuOf(groupSamples(pgid).map((p) => p.pid)) - cpuBefore.worker),
    simulator: round(cpuOf(groupSamples(sim.pgid).map((p) => p.pid)) - cpuBefore.simulator),
    temporal:
      temporalPid === undefined || cpuBefore.temporal === null
        ? null
        : round(cpuOf([temporalPid]) - cpuBefore.temporal),
    postgres: round(
      [...(await postgresCpu(prisma)).entries()].reduce(
        (sum, [pid, cpu]) => sum + cpu - (postgresBefore.get(pid) ?? 0),
        0,
      ),
    ),
  };
  const counters = await admin<{
    total: number;
    byEndpoint: Record<string, number>;
    rateLimited: Record<string, number>;
  }>(simUrl, 'GET', '/__sim/counters');
  const temporalHistoryEvents = await historyEvents(client, handle.workflowId);
  const phases = await backfillPhases(
    client,
    [handle.workflowId, associationSyncWorkflowId(handle.workflowId)],
    runStartedAt,
  ).catch(() => ({}));
  killGroup(child);
  await new Promise((resolve) => child.once('exit', resolve));
  const rateLimited10s = counters.rateLimited.TEN_SECONDLY_ROLLING ?? 0;
  return {
    records: progress.done,
    seconds: round(seconds),
    recordsPerSecond: Math.round(progress.done / seconds),
    rateLimited10s,
    rateLimitedOther: Object.values(counters.rateLimited).reduce((a, b) => a + b, 0) - rateLimited10s,
    hubspotRequests: counters.total,
    hubspotRequestsByEndpoint: counters.byEndpoint,
    hubspotRequestsByKind: requestsByKind(counters.byEndpoint),
    // Searches have their own per-second limit, outside the 10-second window.
    fractionOfRequestCeiling: round(
      (counters.total - requestsByKind(counters.byEndpoint).search) / seconds / (requestsPer10s / 10),
    ),
    phases,
    workerPeakRssMb: Math.round(peak / 1024 / 1024),
    workerIdleRssMb: Math.round(workerIdleRss / 1024 / 1024),
    workerGroupPeakRssMb: Math.round(groupPeak / 1024 / 1024),
    cpuSeconds,
    temporalHistoryEvents,
  };
}

/** The loop the pipeline replaces: one page after another, one upsert statement per record. */
async function runNaive(prisma: PrismaClient, simUrl: string, requestsPer10s: number): Promise<NaiveRun> {
  const hubspot = createHubSpotClient({
    baseUrl: simUrl,
    portalId: PORTAL,
    tokens: new StaticTokenProvider(TOKEN),
    requestsPer10s,
  });
  const localPortal = `naive-${PORTAL}`;
  await admin(simUrl, 'POST', '/__sim/rate-limits/reset', {});
  const started = performance.now();
  const deadline = started + NAIVE_SECONDS * 1000;
  let records = 0;
  let after: string | undefined;
  do {
    const page = await hubspot.listPage('contacts', {
      after,
      limit: 100,
      properties: ['email', 'firstname', 'lastname', 'lastmodifieddate'],
    });
    for (const r of page.results) {
      const data = {
        email: r.properties.email ?? null,
        firstName: r.properties.firstname ?? null,
        lastName: r.properties.lastname ?? null,
        hubspotUpdatedAt: new Date(r.updatedAt),
      };
      await prisma.contact.upsert({
        where: { portalId_hubspotId: { portalId: localPortal, hubspotId: r.id } },
        create: { portalId: localPortal, hubspotId: r.id, ...data },
        update: data,
      });
      records++;
    }
    after = page.nextAfter;
  } while (after && performance.now() < deadline);
  const seconds = (performance.now() - started) / 1000;
  await prisma.contact.deleteMany({ where: { portalId: localPortal } });
  return { records, seconds: round(seconds), recordsPerSecond: Math.round(records / seconds) };
}

async function clearPortal(prisma: PrismaClient): Promise<void> {
  for (const table of ['contacts', 'companies', 'deals', 'tasks', 'tickets', 'owners', 'sync_cursors', 'sync_runs']) {
    await prisma.$executeRawUnsafe(`DELETE FROM ${table} WHERE portal_id = $1`, PORTAL);
  }
}

async function main(): Promise<void> {
  migrateBenchDatabase();
  const { child: simulator, match } = await spawnTsx(
    'src/simulator/main.ts',
    [
      '--port',
      '0',
      '--portal-id',
      PORTAL,
      '--token',
      TOKEN,
      '--tier',
      'professional',
      '--requests-per-10s',
      String(CEILING_PER_10S),
      '--daily-limit',
      '100000000',
      '--indexing-lag-ms',
      '0',
    ],
    {},
    /listening on (http:\/\/\S+)/,
  );
  const sim = { url: match[1] as string, pgid: simulator.pid as number };
  const seed = Object.fromEntries(Object.entries(MIX).map(([type, share]) => [type, Math.round(RECORDS * share)]));
  const seeded = await admin<{ counts: Record<string, number> }>(sim.url, 'POST', '/__sim/seed', {
    ...seed,
    associations: false,
  });
  const total =
    Object.values(seeded.counts).reduce((a, b) => a + b, 0) -
    (seeded.counts.associations ?? 0) -
    (seeded.counts.users ?? 0);

  const prisma = createPrisma(DATABASE_URL);
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  try {
    await clearPortal(prisma);
    const ceilingRecordsPerSecond = (CEILING_PER_10S / 10) * 100;
    const loadBefore = loadNow();
    console.log(
      `seeded ${total} records; ceiling ${CEILING_PER_10S} requests/10 s = ${ceilingRecordsPerSecond} records/s; load ${loadBefore}`,
    );

    let limited: PipelineRun | undefined;
    let naive: NaiveRun | undefined;
    let unlimited: PipelineRun | undefined;
    let onePage: PipelineRun | undefined;
    if (RUNS.has('ceiling')) {
      limited = await runPipeline(client, prisma, sim, 'limited', CEILING_PER_10S);
      console.log('pipeline at the ceiling', limited);
    }
    if (RUNS.has('naive')) {
      naive = await runNaive(prisma, sim.url, CEILING_PER_10S);
      console.log('naive loop at the ceiling', naive);
    }
    await admin(sim.url, 'POST', '/__sim/config', { tier: 'unlimited' });
    if (RUNS.has('unlimited')) {
      await clearPortal(prisma);
      unlimited = await runPipeline(client, prisma, sim, 'unlimited', 1_000_000);
      console.log('pipeline, simulator unlimited', unlimited);
    }
    if (RUNS.has('unlimited-1page')) {
      await clearPortal(prisma);
      onePage = await runPipeline(client, prisma, sim, 'unlimited-1page', ONE_PAGE_REQUESTS_PER_10S);
      console.log('pipeline, simulator unlimited, one page per activity', onePage);
    }

    const result: BenchResult = {
      date: new Date().toISOString(),
      machine: machineInfo(loadBefore),
      // The task queue rate limit is split across the queue's partitions: say how the server was set up.
      temporal: { address: TEMPORAL_ADDRESS, note: process.env.BENCH_TEMPORAL_NOTE ?? '' },
      recordsSeeded: total,
      ceiling: { requestsPer10s: CEILING_PER_10S, recordsPerSecond: ceilingRecordsPerSecond },
      pagesPerActivity: {
        atCeiling: backfillPagesPerActivity(CEILING_PER_10S),
        unlimited: backfillPagesPerActivity(1_000_000),
        onePage: backfillPagesPerActivity(ONE_PAGE_REQUESTS_PER_10S),
      },
      ...(limited
        ? {
            atCeiling: {
              ...limited,
              fractionOfCeiling: round(limited.recordsPerSecond / ceilingRecordsPerSecond),
              goal: '>= 0.95, 0 ten-second 429s',
            },
          }
        : {}),
      ...(naive
        ? { naiveAtCeiling: { ...naive, fractionOfCeiling: round(naive.recordsPerSecond / ceilingRecordsPerSecond) } }
        : {}),
      ...(limited && naive ? { pipelineOverNaive: round(limited.recordsPerSecond / naive.recordsPerSecond) } : {}),
      ...(unlimited ? { unlimited: { ...unlimited, goal: '>= 6000 records/s into PostgreSQL' } } : {}),
      ...(onePage ? { unlimitedOnePagePerActivity: onePage } : {}),
      ...(unlimited && onePage
        ? { groupedOverOnePage: round(unlimited.recordsPerSecond / onePage.recordsPerSecond) }
        : {}),
    };
    writeResults(args.get('out') ?? 'backfill', result, markdown(result));
  } finally {
    await deleteSyncSchedule(client, PORTAL).catch(() => undefined);
    await clearPortal(prisma).catch(() => undefined);
    await Promise.allSettled([prisma.$disconnect(), connection.close()]);
    killGroup(simulator);
  }
}

interface NaiveRun {
  records: number;
  seconds: number;
  recordsPerSecond: number;
}

interface BenchResult {
  date: string;
  machine: MachineInfo;
  temporal: { address: string; note: string };
  recordsSeeded: number;
  ceiling: { requestsPer10s: number; recordsPerSecond: number };
  pagesPerActivity: { atCeiling: number; unlimited: number; onePage: number };
  atCeiling?: PipelineRun & { fractionOfCeiling: number; goal: string };
  naiveAtCeiling?: NaiveRun & { fractionOfCeiling: number };
  pipelineOverNaive?: number;
  unlimited?: PipelineRun & { goal: string };
  unlimitedOnePagePerActivity?: PipelineRun;
  groupedOverOnePage?: number;
}

const perRecordUs = (run: PipelineRun, seconds: number | null): string =>
  seconds === null ? '–' : `${seconds} s (${Math.round((seconds / run.records) * 1e6)} µs/record)`;

function pipelineRow(name: string, run: PipelineRun, fraction?: number): string {
  const requestShare = fraction === undefined ? '' : ` (${run.fractionOfRequestCeiling} of the request ceiling)`;
  return `| ${name} | ${run.records} | ${run.seconds} | ${run.recordsPerSecond} | ${fraction ?? '–'} | ${run.hubspotRequests}${requestShare} | ${run.rateLimited10s} | ${run.rateLimitedOther} | ${run.workerPeakRssMb} MB (idle ${run.workerIdleRssMb}) |`;
}

function kindRow(name: string, run: PipelineRun): string {
  return `| ${name} | ${REQUEST_KINDS.map((k) => run.hubspotRequestsByKind[k]).join(' | ')} | ${run.hubspotRequests} |`;
}

const span = (p: Phase | undefined): string =>
  p === undefined ? '–' : `${round(p.from, 1)}–${round(p.to, 1)} s (${p.activities})`;

function phaseRow(name: string, run: PipelineRun): string {
  const p = run.phases;
  return `| ${name} | ${span(p.setup)} | ${span(p.pages)} | ${span(p.linkCheck)} | ${span(p.associations)} | ${run.seconds} s |`;
}

function cpuRow(name: string, run: PipelineRun): string {
  const c = run.cpuSeconds;
  return `| ${name} | ${perRecordUs(run, c.worker)} | ${perRecordUs(run, c.simulator)} | ${perRecordUs(run, c.temporal)} | ${perRecordUs(run, c.postgres)} | ${run.temporalHistoryEvents ?? '–'} |`;
}

function markdown(r: BenchResult): string {
  const rows: string[] = [];
  const cpu: string[] = [];
  const kinds: string[] = [];
  const phases: string[] = [];
  const detail = (name: string, run: PipelineRun) => {
    cpu.push(cpuRow(name, run));
    kinds.push(kindRow(name, run));
    phases.push(phaseRow(name, run));
  };
  if (r.atCeiling) {
    const name = `pipeline, ceiling ${r.ceiling.requestsPer10s} req/10 s (${r.ceiling.recordsPerSecond} rec/s), ${r.pagesPerActivity.atCeiling} page/activity`;
    rows.push(pipelineRow(name, r.atCeiling, r.atCeiling.fractionOfCeiling));
    detail('ceiling', r.atCeiling);
  }
  if (r.naiveAtCeiling) {
    const n = r.naiveAtCeiling;
    rows.push(
      `| naive loop (sequential pages, one upsert per record), same ceiling, ${NAIVE_SECONDS} s | ${n.records} | ${n.seconds} | ${n.recordsPerSecond} | ${n.fractionOfCeiling} | – | – | – | – |`,
    );
  }
  if (r.unlimited) {
    rows.push(
      pipelineRow(`pipeline, simulator unlimited, ${r.pagesPerActivity.unlimited} pages/activity`, r.unlimited),
    );
    detail('unlimited', r.unlimited);
  }
  if (r.unlimitedOnePagePerActivity) {
    rows.push(pipelineRow('pipeline, simulator unlimited, 1 page/activity (as before)', r.unlimitedOnePagePerActivity));
    detail('unlimited, 1 page/activity', r.unlimitedOnePagePerActivity);
  }
  const ratios = [
    r.pipelineOverNaive === undefined ? '' : `pipeline ÷ naive loop at the ceiling: ${r.pipelineOverNaive}×`,
    r.groupedOverOnePage === undefined
      ? ''
      : `grouped pages ÷ one page per activity, unlimited: ${r.groupedOverOnePage}×`,
  ].filter(Boolean);
  return `# Backfill benchmark

${r.date} · ${r.machine.cpus} CPUs · Node ${r.machine.node} · load average (1 min) ${r.machine.loadAverage1m.before} before, ${r.machine.loadAverage1m.after} after (shared machine) · simulator, worker, PostgreSQL and Temporal on the same machine.
Temporal at ${r.temporal.address}${r.temporal.note ? ` (${r.temporal.note})` : ''}.
${r.recordsSeeded} records (20 % each of contacts, companies, deals, tickets, tasks, plus owners), 100 a page,
all types in parallel. \`npm run bench:backfill\`.

| run | records | seconds | records/s | of ceiling | HubSpot requests | 10 s 429s | other 429s | worker peak RSS |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

${ratios.join(' · ')}

Goals: ≥ 0.95 of the ceiling with 0 ten-second 429s; ≥ 6,000 records/s into PostgreSQL when HubSpot is not the limit.
Seconds run from starting the backfill workflow to its completion (worker already running); the records/s of
the ceiling run include the estimate searches and the owners page. Worker RSS: the worker's node process alone.
The record ceiling is one list page of 100 per request; the request ceiling is the requests per second HubSpot allows.

## Where the requests go (simulator counters)

| run | ${REQUEST_KINDS.join(' | ')} | total |
|---|${REQUEST_KINDS.map(() => '---:|').join('')}---:|
${kinds.join('\n')}

list: record list pages (owners too) · batchRead: records read back by id · search: the progress estimate's
counts · properties: the property catalog · associationRead / associationLabels: the v4 association read.

## When each phase ran (seconds from the backfill's first event; activities completed)

| run | setup | pages | link check | association read | whole run |
|---|---|---|---|---|---:|
${phases.join('\n')}

## Where the time goes: CPU seconds per process during the run

| run | worker | simulator | Temporal server | PostgreSQL (bench database's backends) | Temporal history events |
|---|---:|---:|---:|---:|---:|
${cpu.join('\n')}
`;
}

main().catch((err) => {
  console.error(`bench:backfill: ${(err as Error).message}`);
  process.exitCode = 1;
});
