// Benchmark of issue 4: pull ≥ 100,000 records from the simulator held to a fixed requests-per-10-s ceiling,
// with hubsync's client and with a naive baseline, in the same run, several repetitions each.
//
//   npm run bench:client -- [--reps 3] [--ceiling 190] [--per-type 20000] [--latency-ms 0]
//
// Figure of merit: records/s as a fraction of the ceiling (ceiling/10 requests/s × 100 records a page), over
// whole 10-second windows: records received in [0, k×10 s) ÷ k×10 s, k = completed windows. A client that
// keeps to a rolling window sends a window's worth at the start of each window, so cutting the run anywhere
// else would count a burst too many or too few. Plus the 10-second-window 429s the portal answered.
// Baseline: what a hand-written integration does: sequential pages of 100 per type, and on a 429 waits
// (Retry-After if sent, else 1 s doubling up to 10 s) and retries the same page.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import axios from 'axios';
import {
  CRM_OBJECT_TYPES,
  type CrmObjectType,
  StaticTokenProvider,
  createHubSpotClient,
  resetPortalRateLimiters,
} from '../src/hubspot';
import { startSimulator } from '../src/simulator';
import { median } from './support/stats';

const PORTAL = '1000001';
const TOKEN = 'sim-token-demo';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  return raw === undefined ? fallback : Number(raw);
}

const reps = arg('reps', 3);
const ceiling = arg('ceiling', 190);
const perType = arg('per-type', 20_000);
const latencyMs = arg('latency-ms', 0);
const ceilingRecordsPerSec = (ceiling / 10) * 100;

interface Run {
  records: number;
  unique: number;
  elapsedMs: number;
  requests: number;
  tenSecondly429: number;
  recordsPerSec: number;
  windowedRecordsPerSec: number;
  fractionOfCeiling: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(base: string, pull: (onPage: (ids: string[]) => void) => Promise<void>): Promise<Run> {
  const admin = axios.create({ baseURL: `${base}/__sim` });
  // A fresh portal window and a fresh client limiter: every run starts from the same state.
  await admin.post('/rate-limits/reset', {});
  await admin.delete('/counters');
  resetPortalRateLimiters();
  const seen = new Set<string>();
  const pages: Array<{ at: number; count: number }> = [];
  const started = performance.now();
  await pull((ids) => {
    pages.push({ at: performance.now() - started, count: ids.length });
    for (const id of ids) seen.add(id);
  });
  const elapsedMs = performance.now() - started;
  const records = pages.reduce((sum, p) => sum + p.count, 0);
  const windowsMs = Math.floor(elapsedMs / 10_000) * 10_000;
  if (windowsMs === 0) throw new Error('run shorter than one 10-second window: pull more records');
  const inWindows = pages.filter((p) => p.at < windowsMs).reduce((sum, p) => sum + p.count, 0);
  const windowedRecordsPerSec = inWindows / (windowsMs / 1000);
  const counters = (await admin.get<{ total: number; rateLimited: Record<string, number> }>('/counters')).data;
  return {
    records,
    unique: seen.size,
    elapsedMs: Math.round(elapsedMs),
    requests: counters.total,
    tenSecondly429: counters.rateLimited.TEN_SECONDLY_ROLLING ?? 0,
    recordsPerSec: Math.round(records / (elapsedMs / 1000)),
    windowedRecordsPerSec: Math.round(windowedRecordsPerSec),
    fractionOfCeiling: Number((windowedRecordsPerSec / ceilingRecordsPerSec).toFixed(3)),
  };
}

function hubsync(base: string) {
  return async (onPage: (ids: string[]) => void) => {
    const client = createHubSpotClient({
      baseUrl: base,
      portalId: PORTAL,
      tokens: new StaticTokenProvider(TOKEN),
      requestsPer10s: ceiling,
      maxConcurrency: 8,
    });
    // A backfill pulls every object type; the types page independently, the limiter holds them to the budget.
    await Promise.all(
      CRM_OBJECT_TYPES.map(async (type) => {
        for await (const page of client.list(type, { limit: 100 })) onPage(page.map((r) => r.id));
      }),
    );
  };
}

function naive(base: string) {
  const http = axios.create({
    baseURL: base,
    headers: { authorization: `Bearer ${TOKEN}` },
    validateStatus: () => true,
  });
  return async (onPage: (ids: string[]) => void) => {
    for (const type of CRM_OBJECT_TYPES as readonly CrmObjectType[]) {
      let after: string | undefined;
      let backoff = 1000;
      for (;;) {
        const res = await http.get(`/crm/v3/objects/${type}`, { params: { limit: 100, after } });
        if (res.status === 429) {
          const retryAfter = Number(res.headers['retry-after']);
          await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoff);
          backoff = Math.min(backoff * 2, 10_000);
          continue;
        }
        if (res.status !== 200) throw new Error(`baseline got ${res.status}`);
        backoff = 1000;
        onPage((res.data.results as Array<{ id: string }>).map((r) => r.id));
        after = res.data.paging?.next?.after;
        if (!after) break;
      }
    }
  };
}

async function main(): Promise<void> {
  const sim = await startSimulator({
    port: 0,
    indexingLagMs: 0,
    portals: [{ portalId: PORTAL, token: TOKEN, requestsPer10s: ceiling, dailyLimit: 10_000_000 }],
  });
  try {
    const admin = axios.create({ baseURL: `${sim.url}/__sim`, timeout: 600_000 });
    await admin.post('/seed', {
      seedValue: 1,
      contacts: perType,
      companies: perType,
      deals: perType,
      tickets: perType,
      tasks: perType,
      owners: 0,
      associations: false,
    });
    if (latencyMs > 0)
      await admin.post('/faults', { rules: [{ type: 'latency', ms: latencyMs, jitterMs: Math.round(latencyMs / 2) }] });
    const expected = perType * CRM_OBJECT_TYPES.length;
    const runs: Record<'hubsync' | 'naive', Run[]> = { hubsync: [], naive: [] };
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, pull] of [
        ['hubsync', hubsync(sim.url)],
        ['naive', naive(sim.url)],
      ] as const) {
        const run = await measure(sim.url, pull);
        if (run.records !== expected || run.unique !== expected)
          throw new Error(`${name} pulled ${run.records} (${run.unique} unique), expected ${expected}`);
        runs[name].push(run);
        console.log(`rep ${rep + 1} ${name.padEnd(7)} ${JSON.stringify(run)}`);
      }
    }
    const summary = (name: 'hubsync' | 'naive') => ({
      medianFractionOfCeiling: median(runs[name].map((r) => r.fractionOfCeiling)),
      medianWindowedRecordsPerSec: median(runs[name].map((r) => r.windowedRecordsPerSec)),
      medianRecordsPerSec: median(runs[name].map((r) => r.recordsPerSec)),
      medianElapsedMs: median(runs[name].map((r) => r.elapsedMs)),
      medianTenSecondly429: median(runs[name].map((r) => r.tenSecondly429)),
      runs: runs[name],
    });
    const result = {
      benchmark: 'client',
      at: new Date().toISOString(),
      node: process.version,
      settings: {
        reps,
        requestsPer10s: ceiling,
        ceilingRecordsPerSec,
        recordsPerRun: expected,
        pageSize: 100,
        latencyMs,
        maxConcurrency: 8,
      },
      goal: { fractionOfCeiling: 0.95, tenSecondly429: 0 },
      hubsync: summary('hubsync'),
      naive: summary('naive'),
    };
    const dir = join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'client.json'), `${JSON.stringify(result, null, 2)}\n`);
    const row = (name: 'hubsync' | 'naive') => {
      const s = result[name];
      return `| ${name} | ${s.medianFractionOfCeiling} | ${s.medianWindowedRecordsPerSec} | ${s.medianRecordsPerSec} | ${(s.medianElapsedMs / 1000).toFixed(1)} | ${s.medianTenSecondly429} |`;
    };
    const md = [
      '# HubSpot client benchmark',
      '',
      `${expected.toLocaleString('en')} records (${perType.toLocaleString('en')} of each of ${CRM_OBJECT_TYPES.length} object types, 100 a page) from the simulator held to ${ceiling} requests per 10 s`,
      `(ceiling ${ceilingRecordsPerSec} records/s), added latency ${latencyMs} ms, medians of ${reps} repetitions, ${result.at}, Node ${process.version}.`,
      'Fraction of ceiling = records/s over the completed 10-second windows of the run ÷ ceiling. Goal: ≥ 0.95 with zero 10-second-window 429s.',
      '',
      '| client | fraction of ceiling | records/s (whole windows) | records/s (whole run) | elapsed s | 10 s-window 429s |',
      '|---|---|---|---|---|---|',
      row('hubsync'),
      row('naive'),
      '',
      'naive = sequential pages of 100, waiting out each 429 (Retry-After, else 1 s doubling to 10 s) and retrying.',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'client.md'), md);
    console.log(md);
  } finally {
    await sim.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
