// Many customers' portals at once: N portals × R records installed through the real OAuth redirect flow and
// backfilled together by W worker processes, against the simulator's public-app budget (110 requests per 10 s per
// portal). Reports aggregate records/s, every portal's peak requests in any rolling 10 s against its 110 and its
// ten-second 429s, the webhook → row latency (p50/p99) of one small portal while the others backfill beside the
// same figure on the idle system, and the workers' peak RSS.
// Usage: npm run bench:portals [-- --portals 20 --records 5000 --workers 2 --small-records 100 --samples 20
//        --timeout-seconds 900 --fairness on|off --out portals]
// Needs PostgreSQL and the Temporal dev server (scripts/temporal-server.sh start). Writes bench/results/<out>.{json,md}.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createPrisma, type PrismaClient } from '../src/store/prisma';
import { groupSamples, killGroup, spawnTsx } from './support/processes';
import {
  benchArgs,
  DATABASE_URL,
  hubsyncEnv,
  loadNow,
  machineInfo,
  migrateBenchDatabase,
  round,
  simAdmin as sim,
  TEMPORAL_ADDRESS,
  writeResults,
  type MachineInfo,
} from './support/setup';
import { percentile } from './support/stats';

const args = benchArgs();
const num = (k: string, d: number): number => {
  const n = Number(args.get(k) ?? d);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${k} must be a positive integer`);
  return n;
};
const PORTALS = num('portals', 20);
const RECORDS = num('records', 5000);
const WORKERS = num('workers', 2);
const SMALL_RECORDS = num('small-records', 100);
const SAMPLES = num('samples', 20);
const TIMEOUT_S = num('timeout-seconds', 900);
const OUT = args.get('out') ?? 'portals';
// on: the workers run with TEMPORAL_FAIRNESS=true (the dev server has matching.enableFairness): each portal's
// HubSpot activities limited to its own budget by the server; off: one tier's budget shared by every portal.
const FAIRNESS = (args.get('fairness') ?? 'on') === 'on';
const BUDGET_PER_10S = 110;
const CLIENT_ID = 'bench-client-id';
const CLIENT_SECRET = 'bench-client-secret';
// Ids far from the other benches' and the tests': the run deletes every row of these portals afterwards.
const BASE = 8_100_000 + Math.floor(Math.random() * 800) * 100;
const BIG = Array.from({ length: PORTALS }, (_, i) => String(BASE + i + 1));
const SMALL = String(BASE);
const TYPES = ['contacts', 'companies', 'deals', 'tickets', 'tasks'] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** An even share of `records` over the five synced types. */
function seedOf(records: number, seedValue: number): Record<string, unknown> {
  const per = Math.floor(records / TYPES.length);
  const seed: Record<string, unknown> = { seedValue, associations: false, owners: 3 };
  TYPES.forEach((t, i) => (seed[t] = per + (i < records - per * TYPES.length ? 1 : 0)));
  return seed;
}

/** The merchant clicks "connect HubSpot": hubsync's install link, HubSpot's consent (approved), hubsync's callback. */
async function install(serverUrl: string, simUrl: string, portalId: string): Promise<void> {
  await sim(simUrl, 'POST', '/__sim/oauth/next-install', { portalId });
  const start = await fetch(`${serverUrl}/oauth/install`, { redirect: 'manual' });
  if (start.status !== 302 && start.status !== 303)
    throw new Error(`GET /oauth/install answered ${start.status}, not a redirect to HubSpot: ${await start.text()}`);
  const consent = await fetch(start.headers.get('location') as string, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`the simulator's consent page answered ${consent.status}`);
  const callback = await fetch(consent.headers.get('location') as string, { redirect: 'manual' });
  if (callback.status >= 400)
    throw new Error(
      `GET /oauth/callback for ${portalId} answered ${callback.status}: ${(await callback.text()).slice(0, 300)}`,
    );
}

async function rowCounts(prisma: PrismaClient, portals: string[]): Promise<Map<string, number>> {
  const union = TYPES.map((t) => `SELECT portal_id FROM ${t} WHERE portal_id = ANY($1::text[])`).join(' UNION ALL ');
  const rows = await prisma.$queryRawUnsafe<Array<{ portal_id: string; n: bigint }>>(
    `SELECT portal_id, count(*) AS n FROM (${union}) r GROUP BY portal_id`,
    portals,
  );
  return new Map(rows.map((r) => [r.portal_id, Number(r.n)]));
}

/** Waits until every portal has `expected[p]` rows; returns when each one got there (ms since `t0`). */
async function untilLoaded(
  prisma: PrismaClient,
  expected: Map<string, number>,
  t0: number,
  deadline: number,
): Promise<Map<string, number>> {
  const doneAt = new Map<string, number>();
  while (doneAt.size < expected.size) {
    if (Date.now() > deadline) {
      const counts = await rowCounts(prisma, [...expected.keys()]);
      const missing = [...expected].filter(([p]) => !doneAt.has(p)).map(([p, n]) => `${p}: ${counts.get(p) ?? 0}/${n}`);
      throw new Error(`backfills not done after ${TIMEOUT_S} s: ${missing.join(', ')}`);
    }
    const counts = await rowCounts(prisma, [...expected.keys()]);
    for (const [p, n] of expected) if (!doneAt.has(p) && (counts.get(p) ?? 0) >= n) doneAt.set(p, Date.now() - t0);
    await sleep(250);
  }
  return doneAt;
}

/** One webhook → row sample: a user creates a contact in HubSpot; how long until hubsync has the row. */
async function webhookSample(prisma: PrismaClient, simUrl: string, tag: string): Promise<number> {
  const email = `wh-${tag}-${randomBytes(4).toString('hex')}@bench.example`;
  const t = performance.now();
  await sim(simUrl, 'POST', `/__sim/objects/contacts?portalId=${SMALL}`, { properties: { email, firstname: 'Bench' } });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const found = await prisma.$queryRawUnsafe<unknown[]>(
      'SELECT 1 FROM contacts WHERE portal_id = $1 AND email = $2',
      SMALL,
      email,
    );
    if (found.length > 0) return performance.now() - t;
    if (Date.now() > deadline) throw new Error(`webhook for ${email} never became a row`);
    await sleep(10);
  }
}

async function cleanup(prisma: PrismaClient, client: Client, portals: string[]): Promise<void> {
  for (const table of [...TYPES, 'owners', 'sync_cursors', 'sync_runs', 'installations'])
    await prisma.$executeRawUnsafe(`DELETE FROM ${table} WHERE portal_id = ANY($1::text[])`, portals).catch(() => 0);
  // Per-installation schedules would keep firing on this Temporal: remove the ones naming a bench portal.
  try {
    for await (const s of client.schedule.list())
      if (portals.some((p) => s.scheduleId.includes(p))) await client.schedule.getHandle(s.scheduleId).delete();
  } catch {
    // no schedules, or none of ours
  }
}

interface PortalFigure {
  portalId: string;
  records: number;
  secondsToLoaded: number;
  requests: number;
  peakPer10s: number;
  tenSecond429s: number;
  secondly429s: number;
}

async function main(): Promise<void> {
  migrateBenchDatabase();
  const port = await freePort();
  const adminPort = await freePort();
  const serverUrl = `http://127.0.0.1:${port}`;
  const { child: simulator, match } = await spawnTsx(
    'src/simulator/main.ts',
    [
      '--port',
      '0',
      '--indexing-lag-ms',
      '0',
      '--oauth-client-id',
      CLIENT_ID,
      '--client-secret',
      CLIENT_SECRET,
      '--oauth-redirect-uri',
      `${serverUrl}/oauth/callback`,
      '--webhook-url',
      `${serverUrl}/webhooks/hubspot`,
      '--signature-version',
      'v3',
    ],
    {},
    /listening on (http:\/\/\S+)/,
  );
  const simUrl = match[1] as string;
  const seedStarted = performance.now();
  await sim(simUrl, 'POST', '/__sim/portals', { portalId: SMALL, seed: seedOf(SMALL_RECORDS, 1) });
  for (const [i, p] of BIG.entries())
    await sim(simUrl, 'POST', '/__sim/portals', { portalId: p, seed: seedOf(RECORDS, i + 2) });
  console.log(
    `seeded ${PORTALS} × ${RECORDS} + ${SMALL_RECORDS} records in ${round((performance.now() - seedStarted) / 1000)} s`,
  );

  const queue = `bench-portals-${BASE}`;
  const env = hubsyncEnv(simUrl, queue, {
    HUBSPOT_APP_MODE: 'public',
    // The private-app token is unused in public mode (and production refuses the repository's demo one).
    HUBSPOT_ACCESS_TOKEN: `unused-${randomBytes(8).toString('hex')}`,
    HUBSPOT_CLIENT_ID: CLIENT_ID,
    HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
    HUBSPOT_OAUTH_AUTHORIZE_URL: `${simUrl}/oauth/authorize`,
    HUBSPOT_OAUTH_BASE_URL: simUrl,
    HUBSPOT_OAUTH_REDIRECT_URL: `${serverUrl}/oauth/callback`,
    HUBSPOT_TOKEN_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    // HubSpot signs v3 over https:// + host (it calls through a TLS proxy); the simulator calls plain http.
    HUBSPOT_WEBHOOK_URL: `https://127.0.0.1:${port}/webhooks/hubspot`,
    PORT: String(port),
    ADMIN_PORT: String(adminPort),
    TEMPORAL_FAIRNESS: String(FAIRNESS),
  });
  const workers: ChildProcess[] = [];
  for (let i = 0; i < WORKERS; i++)
    workers.push(
      (await spawnTsx('src/worker.ts', [], { ...env, WORKER_METRICS_PORT: String(await freePort()) }, /worker running/))
        .child,
    );
  const { child: server } = await spawnTsx('src/server.ts', [], env, /hubsync API listening/);
  console.log(`${WORKERS} workers and the API server are up (${serverUrl})`);
  const peaks = workers.map(() => 0);
  const sampler = setInterval(() => {
    workers.forEach((w, i) => {
      const largest = Math.max(0, ...groupSamples(w.pid as number).map((s) => s.rssBytes));
      peaks[i] = Math.max(peaks[i] as number, largest);
    });
  }, 250);

  const prisma = createPrisma(DATABASE_URL);
  const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  const all = [SMALL, ...BIG];
  try {
    await cleanup(prisma, client, all);
    const loadBefore = loadNow();
    // The small portal alone first: installed, backfilled, then its webhook latency on an otherwise idle system.
    await install(serverUrl, simUrl, SMALL);
    await untilLoaded(prisma, new Map([[SMALL, SMALL_RECORDS]]), Date.now(), Date.now() + TIMEOUT_S * 1000);
    const idle: number[] = [];
    for (let i = 0; i < SAMPLES; i++) idle.push(await webhookSample(prisma, simUrl, `idle${i}`));
    console.log(`idle webhook → row: p50 ${round(percentile(idle, 50))} ms, p99 ${round(percentile(idle, 99))} ms`);

    await sim(simUrl, 'POST', '/__sim/rate-limits/reset?all=true', {});
    const t0 = Date.now();
    for (const p of BIG) await install(serverUrl, simUrl, p);
    const installSeconds = (Date.now() - t0) / 1000;
    console.log(`installed ${PORTALS} portals in ${round(installSeconds)} s; backfilling`);
    const expected = new Map(BIG.map((p) => [p, RECORDS]));
    const loading = untilLoaded(prisma, expected, t0, t0 + TIMEOUT_S * 1000);
    // Webhook samples while the others backfill, spread over the run, until it ends or the samples are taken.
    const busy: number[] = [];
    let finished = false;
    void loading.then(
      () => (finished = true),
      () => (finished = true),
    );
    while (!finished && busy.length < SAMPLES) {
      busy.push(await webhookSample(prisma, simUrl, `busy${busy.length}`));
      await sleep(500);
    }
    const doneAt = await loading;
    const seconds = Math.max(...doneAt.values()) / 1000;
    clearInterval(sampler);

    const simPortals = (await sim<{ portals: Array<Record<string, any>> }>(simUrl, 'GET', '/__sim/portals')).portals; // eslint-disable-line @typescript-eslint/no-explicit-any
    const figures: PortalFigure[] = BIG.map((p) => {
      const limits = simPortals.find((s) => s.portalId === p)?.publicAppLimits ?? {};
      return {
        portalId: p,
        records: RECORDS,
        secondsToLoaded: round((doneAt.get(p) ?? 0) / 1000),
        requests: limits.admitted ?? 0,
        peakPer10s: limits.peakPer10s ?? 0,
        tenSecond429s: limits.refused?.TEN_SECONDLY_ROLLING ?? 0,
        secondly429s: limits.refused?.SECONDLY ?? 0,
      };
    });
    const result = {
      date: new Date().toISOString(),
      machine: machineInfo(loadBefore),
      temporal: { address: TEMPORAL_ADDRESS, note: process.env.BENCH_TEMPORAL_NOTE ?? '' },
      setup: {
        portals: PORTALS,
        recordsPerPortal: RECORDS,
        workers: WORKERS,
        smallPortalRecords: SMALL_RECORDS,
        budgetPer10s: BUDGET_PER_10S,
        fairness: FAIRNESS,
      },
      installSeconds: round(installSeconds),
      seconds: round(seconds),
      recordsPerSecond: Math.round((PORTALS * RECORDS) / seconds),
      maxPeakPer10s: Math.max(...figures.map((f) => f.peakPer10s)),
      tenSecond429s: figures.reduce((n, f) => n + f.tenSecond429s, 0),
      webhookToRowMs: {
        idle: { samples: idle.length, p50: round(percentile(idle, 50)), p99: round(percentile(idle, 99)) },
        duringBackfill: { samples: busy.length, p50: round(percentile(busy, 50)), p99: round(percentile(busy, 99)) },
      },
      workerPeakRssMb: peaks.map((b) => Math.round(b / 1024 / 1024)),
      portals: figures,
    };
    writeResults(OUT, result, markdown(result));
  } finally {
    clearInterval(sampler);
    await cleanup(prisma, client, all).catch(() => undefined);
    await Promise.allSettled([prisma.$disconnect(), connection.close()]);
    for (const c of [server, ...workers, simulator]) killGroup(c);
  }
}

function markdown(r: {
  date: string;
  machine: MachineInfo;
  temporal: { address: string; note: string };
  setup: {
    portals: number;
    recordsPerPortal: number;
    workers: number;
    smallPortalRecords: number;
    budgetPer10s: number;
    fairness: boolean;
  };
  installSeconds: number;
  seconds: number;
  recordsPerSecond: number;
  maxPeakPer10s: number;
  tenSecond429s: number;
  webhookToRowMs: Record<'idle' | 'duringBackfill', { samples: number; p50: number; p99: number }>;
  workerPeakRssMb: number[];
  portals: PortalFigure[];
}): string {
  const w = r.webhookToRowMs;
  const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? `${round(a / b)}×` : '–');
  return `# Portals benchmark: many customers' HubSpot accounts at once

${r.date} · ${r.machine.cpus} CPUs · Node ${r.machine.node} · load average (1 min) ${r.machine.loadAverage1m.before} before, ${r.machine.loadAverage1m.after} after (shared machine) · simulator, ${r.setup.workers} worker processes, the API server, PostgreSQL and Temporal on the same machine.
Temporal at ${r.temporal.address}${r.temporal.note ? ` (${r.temporal.note})` : ''}. \`npm run bench:portals\`.

${r.setup.portals} portals × ${r.setup.recordsPerPortal} records (20 % each of contacts, companies, deals, tickets, tasks),
each installed through the OAuth redirect flow (hubsync's /oauth/install → the simulator's consent page → /oauth/callback)
and backfilled at once on the public-app budget of ${r.setup.budgetPer10s} requests per 10 s per portal. One more
portal of ${r.setup.smallPortalRecords} records takes webhooks (a contact created in "HubSpot", timed until its row is in PostgreSQL).
Task-queue priority (webhooks 1, backfills 4) and the portal as fairness key are always set; ${r.setup.fairness ? 'TEMPORAL_FAIRNESS=true: the HubSpot queue limited per portal by the server (`--fairness off`: one budget shared by all)' : "TEMPORAL_FAIRNESS=false (`--fairness off`): the HubSpot queue has one budget, the tier's, shared by every portal"}.

| figure | value |
|---|---:|
| installs (${r.setup.portals} redirect flows) | ${r.installSeconds} s |
| all backfills done after the first install | ${r.seconds} s |
| aggregate records/s | ${r.recordsPerSecond} |
| highest peak requests in any rolling 10 s, of any portal (budget ${r.setup.budgetPer10s}) | ${r.maxPeakPer10s} |
| ten-second 429s, all portals | ${r.tenSecond429s} |
| webhook → row, idle system: p50 / p99 (${w.idle.samples} samples) | ${w.idle.p50} / ${w.idle.p99} ms |
| webhook → row, during the backfills: p50 / p99 (${w.duringBackfill.samples} samples) | ${w.duringBackfill.p50} / ${w.duringBackfill.p99} ms |
| during ÷ idle (goal ≤ 2×): p50 / p99 | ${ratio(w.duringBackfill.p50, w.idle.p50)} / ${ratio(w.duringBackfill.p99, w.idle.p99)} |
| worker peak RSS | ${r.workerPeakRssMb.map((m) => `${m} MB`).join(', ')} |

Goals: 0 ten-second 429s, every portal's peak ≤ ${r.setup.budgetPer10s}, webhook latency during the backfills within 2× of idle.
Peaks and 429s are the simulator's own counts per portal (the public app's limiter in each account).

| portal | records | loaded after (s) | requests | peak / 10 s | 10 s 429s | search 429s |
|---|---:|---:|---:|---:|---:|---:|
${r.portals.map((p) => `| ${p.portalId} | ${p.records} | ${p.secondsToLoaded} | ${p.requests} | ${p.peakPer10s} | ${p.tenSecond429s} | ${p.secondly429s} |`).join('\n')}
`;
}

main().catch((err) => {
  console.error(`bench:portals: ${(err as Error).message}`);
  process.exitCode = 1;
});
