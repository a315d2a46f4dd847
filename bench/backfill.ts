// Backfill throughput: ≥ 100,000 records of every type from the simulator (its own process) into PostgreSQL
// through a real worker process, (1) with the simulator at a fixed rate ceiling — records/s as a fraction of
// that ceiling, 10-second-window 429s, the worker's peak RSS — beside a naive loop (sequential pages, one
// upsert per record) against the same ceiling; (2) with the simulator unlimited: the pipeline's own ceiling.
// Usage: npm run bench:backfill [-- --records 100000 --requests-per-10s 190 --naive-seconds 20]
// Temporal splits a task queue's rate limit across its partitions (4 by default); with at most one page in
// flight per type, most partitions sit idle, so run the server with one partition per task queue
// (matching.numTaskqueueReadPartitions=1 / numTaskqueueWritePartitions=1) and say so in BENCH_TEMPORAL_NOTE.
// Needs PostgreSQL and the Temporal dev server (scripts/temporal-server.sh start). Writes bench/results/backfill.{json,md}.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parseConfig, type Config } from '../src/config';
import { createHubSpotClient, StaticTokenProvider } from '../src/hubspot';
import { createPrisma, type PrismaClient } from '../src/store/prisma';
import { OBJECT_TYPES } from '../src/sync/object-types';
import { deleteSyncSchedule } from '../src/scheduled/schedules';
import { startBackfill } from '../src/scheduled/start-sync';
import type { BackfillProgress } from '../workflows/scheduled/backfill';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set((process.argv[i] ?? '').replace(/^--/, ''), process.argv[i + 1] ?? '');
const RECORDS = Number(args.get('records') ?? 100_000);
const CEILING_PER_10S = Number(args.get('requests-per-10s') ?? 190);
const NAIVE_SECONDS = Number(args.get('naive-seconds') ?? 20);
const ROOT = path.resolve(__dirname, '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hubsync_bench';
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const PORTAL = String(7_000_000 + Math.floor(Math.random() * 1_000_000));
const TOKEN = 'bench-token';
// Equal shares per type (owners come on top: the seed's default 10). HubSpot's list cursor is opaque, so
// each type pages sequentially; types run in parallel, and the largest type sets the wall time.
const MIX = { contacts: 0.2, companies: 0.2, deals: 0.2, tickets: 0.2, tasks: 0.2 } as const;

const children: ChildProcess[] = [];
const killGroup = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void => {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
};
process.on('exit', () => children.forEach((c) => killGroup(c, 'SIGKILL')));

/** Spawns `tsx <script>` in its own process group and resolves once a stdout line matches `ready`. */
function spawnTsx(
  script: string,
  argv: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [script, ...argv], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before ready: ${stderr.slice(-1000)}`)));
  });
}

/** RSS of every process in a process group (tsx runs the script in a child node process). */
function groupRssBytes(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue; // field 5 of stat: pgrp
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // process ended while we looked
    }
  }
  return total;
}

async function admin<T>(simUrl: string, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${simUrl}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${method} ${p} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

function workerConfig(simUrl: string, queue: string, requestsPer10s: number): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL,
    TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: queue,
    TEMPORAL_HUBSPOT_TASK_QUEUE: `${queue}-hubspot`,
    HUBSPOT_BASE_URL: simUrl,
    HUBSPOT_ACCESS_TOKEN: TOKEN,
    HUBSPOT_PORTAL_ID: PORTAL,
    HUBSPOT_REQUESTS_PER_10S: String(requestsPer10s),
  };
}

interface PipelineRun {
  records: number;
  seconds: number;
  recordsPerSecond: number;
  rateLimited10s: number;
  rateLimitedOther: number;
  hubspotRequests: number;
  workerPeakRssMb: number;
}

async function runPipeline(
  client: Client,
  simUrl: string,
  label: string,
  requestsPer10s: number,
): Promise<PipelineRun> {
  const env = workerConfig(simUrl, `bench-${PORTAL}-${label}`, requestsPer10s);
  const { child } = await spawnTsx('src/worker.ts', [], env, /worker running/);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, groupRssBytes(child.pid as number))), 250);
  await admin(simUrl, 'POST', '/__sim/counters/reset', {});
  await admin(simUrl, 'POST', '/__sim/rate-limits/reset', {});

  const config = parseConfig(env) as Config;
  const started = performance.now();
  const handle = await startBackfill(client, PORTAL, config, { objectTypes: [...OBJECT_TYPES], restart: true });
  const progress: BackfillProgress = await handle.result();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const counters = await admin<{ total: number; rateLimited: Record<string, number> }>(
    simUrl,
    'GET',
    '/__sim/counters',
  );
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
    workerPeakRssMb: Math.round(peak / 1024 / 1024),
  };
}

/** The loop the pipeline replaces: one page after another, one upsert statement per record. */
async function runNaive(
  prisma: PrismaClient,
  simUrl: string,
  requestsPer10s: number,
): Promise<{ records: number; seconds: number; recordsPerSecond: number }> {
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

const round = (n: number): number => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const migrate = spawnSync('bash', ['scripts/db-migrate.sh'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL },
    stdio: 'ignore',
  });
  if (migrate.status !== 0) throw new Error('migrating the bench database failed (is PostgreSQL up?)');
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
  const simUrl = match[1] as string;
  const seed = Object.fromEntries(Object.entries(MIX).map(([type, share]) => [type, Math.round(RECORDS * share)]));
  const seeded = await admin<{ counts: Record<string, number> }>(simUrl, 'POST', '/__sim/seed', {
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
    console.log(
      `seeded ${total} records; ceiling ${CEILING_PER_10S} requests/10 s = ${ceilingRecordsPerSecond} records/s`,
    );

    const limited = await runPipeline(client, simUrl, 'limited', CEILING_PER_10S);
    console.log('pipeline at the ceiling', limited);
    const naive = await runNaive(prisma, simUrl, CEILING_PER_10S);
    console.log('naive loop at the ceiling', naive);

    await admin(simUrl, 'POST', '/__sim/config', { tier: 'unlimited' });
    await clearPortal(prisma);
    const unlimited = await runPipeline(client, simUrl, 'unlimited', 1_000_000);
    console.log('pipeline, simulator unlimited', unlimited);

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      // The task queue rate limit is split across the queue's partitions: say how the server was set up.
      temporal: { address: TEMPORAL_ADDRESS, note: process.env.BENCH_TEMPORAL_NOTE ?? '' },
      recordsSeeded: total,
      ceiling: { requestsPer10s: CEILING_PER_10S, recordsPerSecond: ceilingRecordsPerSecond },
      atCeiling: {
        ...limited,
        fractionOfCeiling: round(limited.recordsPerSecond / ceilingRecordsPerSecond),
        goal: '>= 0.90, 0 ten-second 429s',
      },
      naiveAtCeiling: { ...naive, fractionOfCeiling: round(naive.recordsPerSecond / ceilingRecordsPerSecond) },
      unlimited: { ...unlimited, goal: '>= 3000 records/s into PostgreSQL' },
    };
    mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(path.join(ROOT, 'bench/results/backfill.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(path.join(ROOT, 'bench/results/backfill.md'), markdown(result));
    console.log('wrote bench/results/backfill.json and backfill.md');
  } finally {
    await deleteSyncSchedule(client, PORTAL).catch(() => undefined);
    await clearPortal(prisma).catch(() => undefined);
    await Promise.allSettled([prisma.$disconnect(), connection.close()]);
    killGroup(simulator);
  }
}

function markdown(r: {
  date: string;
  machine: { cpus: number; node: string };
  temporal: { address: string; note: string };
  recordsSeeded: number;
  ceiling: { requestsPer10s: number; recordsPerSecond: number };
  atCeiling: PipelineRun & { fractionOfCeiling: number };
  naiveAtCeiling: { records: number; seconds: number; recordsPerSecond: number; fractionOfCeiling: number };
  unlimited: PipelineRun;
}): string {
  return `# Backfill benchmark

${r.date} · ${r.machine.cpus} CPUs · Node ${r.machine.node} · simulator, worker, PostgreSQL and Temporal on the same machine.
Temporal at ${r.temporal.address}${r.temporal.note ? ` (${r.temporal.note})` : ''}.
${r.recordsSeeded} records (20 % each of contacts, companies, deals, tickets, tasks, plus owners), 100 a page,
one activity per page on the HubSpot task queue, all types in parallel. \`npm run bench:backfill\`.

| run | records | seconds | records/s | of ceiling | 10 s 429s | other 429s | worker peak RSS |
|---|---:|---:|---:|---:|---:|---:|---:|
| pipeline, ceiling ${r.ceiling.requestsPer10s} req/10 s (${r.ceiling.recordsPerSecond} rec/s) | ${r.atCeiling.records} | ${r.atCeiling.seconds} | ${r.atCeiling.recordsPerSecond} | ${r.atCeiling.fractionOfCeiling} | ${r.atCeiling.rateLimited10s} | ${r.atCeiling.rateLimitedOther} | ${r.atCeiling.workerPeakRssMb} MB |
| naive loop (sequential pages, one upsert per record), same ceiling, ${NAIVE_SECONDS} s | ${r.naiveAtCeiling.records} | ${r.naiveAtCeiling.seconds} | ${r.naiveAtCeiling.recordsPerSecond} | ${r.naiveAtCeiling.fractionOfCeiling} | – | – | – |
| pipeline, simulator unlimited (pipeline ceiling) | ${r.unlimited.records} | ${r.unlimited.seconds} | ${r.unlimited.recordsPerSecond} | – | ${r.unlimited.rateLimited10s} | ${r.unlimited.rateLimitedOther} | ${r.unlimited.workerPeakRssMb} MB |

Goals: ≥ 0.90 of the ceiling with 0 ten-second 429s; ≥ 3,000 records/s into PostgreSQL when HubSpot is not the limit.
Seconds run from starting the backfill workflow to its completion (worker already running); the records/s of
the ceiling run include the 5 estimate searches and the owners page.
`;
}

main().catch((err) => {
  console.error(`bench:backfill: ${(err as Error).message}`);
  process.exitCode = 1;
});
