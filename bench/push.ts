// Benchmark of issue 7: platform → HubSpot pushes through the whole stack (HTTP route, Temporal push workflow,
// batch activity on the rate-limited HubSpot queue, simulator holding the Professional ceiling of 190 req/10 s).
//
//   npm run bench:push -- [--singles 30] [--bulk 10000] [--reps 2]
//
// 1. Latency of single changes: a platform row changes, POST /platform/changes, time until the simulator holds
//    the new value (admin API polled every 5 ms; not rate-limited, not counted). Measured with the default batch
//    window (PUSH_BATCH_WINDOW_MS=1000, which dominates by design) and with a 50 ms window.
// 2. Bulk: 10,000 new contacts, then an update of all 10,000, each reported at once; time from the first report
//    to the last record stored; records/s as a fraction of the ceiling (19 req/s × 100 records = 1,900 rec/s).
//    Creates cost one upsert per 100; updates one batch update plus one batch read (the conflict check) per 100.
import '../test/support/quiet-temporal-runtime';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pushWorkflowId } from '../src/workflow-safe/ids';
import { pushStatusQuery } from '../workflows/outbound/push';
import { percentile } from './support/stats';

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hubsync_bench_push';
process.env.DATABASE_URL = DATABASE_URL;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  return raw === undefined ? fallback : Number(raw);
}

const singles = arg('singles', 30);
const bulk = arg('bulk', 10_000);
const reps = arg('reps', 2);
const CEILING_PER_10S = 190;
const ceilingRecordsPerSec = (CEILING_PER_10S / 10) * 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const migrate = spawnSync('bash', ['scripts/db-migrate.sh'], {
    cwd: join(__dirname, '..'),
    env: { ...process.env, DATABASE_URL },
    stdio: 'ignore',
  });
  if (migrate.status !== 0) throw new Error('database migration failed');
  // Loaded after DATABASE_URL is set: the test stack reads it when building its config.
  const { startStack } = await import('../test/support/stack');
  type Stack = Awaited<ReturnType<typeof startStack>>;

  const report = async (stack: Stack, objectType: string, ids: string[], fields?: string[]) => {
    for (let i = 0; i < ids.length; i += 2_000) {
      const res = await fetch(`${stack.appUrl}/platform/changes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${stack.runtime.config.PLATFORM_API_KEY}`,
        },
        body: JSON.stringify({
          changes: ids.slice(i, i + 2_000).map((localId) => ({ objectType, localId, ...(fields ? { fields } : {}) })),
        }),
      });
      if (res.status !== 202) throw new Error(`POST /platform/changes → ${res.status}`);
    }
  };
  const counters = (stack: Stack) =>
    stack.sim<{ total: number; byEndpoint: Record<string, number>; byStatus: Record<string, number> }>(
      'GET',
      '/__sim/counters',
    );

  async function singleLatencies(windowMs: number) {
    const stack = await startStack({
      simulator: { tier: 'professional' },
      env: { PUSH_BATCH_WINDOW_MS: String(windowMs), WORKFLOW_IDLE_TIMEOUT_MS: '60000' },
    });
    try {
      await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
      const prisma = stack.runtime.prisma;
      const measure = async (change: () => Promise<{ id: string; done: () => Promise<boolean> }>) => {
        const { id, done } = await change();
        const started = performance.now();
        await report(stack, 'contacts', [id]);
        while (!(await done())) await sleep(5);
        return performance.now() - started;
      };
      const creates: number[] = [];
      const updates: number[] = [];
      for (let i = 0; i < singles; i++) {
        creates.push(
          await measure(async () => {
            const row = await prisma.contact.create({
              data: { portalId: stack.portalId, email: `single${i}@bench.example`, firstName: 'Single' },
            });
            return {
              id: row.id,
              done: async () => (await prisma.contact.findUniqueOrThrow({ where: { id: row.id } })).hubspotId !== null,
            };
          }),
        );
      }
      const rows = await prisma.contact.findMany({ where: { portalId: stack.portalId }, take: singles });
      for (const [i, row] of rows.entries()) {
        updates.push(
          await measure(async () => {
            await prisma.contact.update({ where: { id: row.id }, data: { jobTitle: `title ${i}` } });
            return {
              id: row.id,
              done: async () =>
                (
                  await stack.sim<{ properties: Record<string, string | null> }>(
                    'GET',
                    `/__sim/objects/contacts/${row.hubspotId}`,
                  )
                ).properties.jobtitle === `title ${i}`,
            };
          }),
        );
      }
      const summary = (values: number[]) => ({
        n: values.length,
        p50Ms: Math.round(percentile(values, 50)),
        p99Ms: Math.round(percentile(values, 99)),
        maxMs: Math.round(Math.max(...values)),
      });
      return { batchWindowMs: windowMs, create: summary(creates), update: summary(updates) };
    } finally {
      await stack.close();
    }
  }

  async function bulkRuns() {
    const stack = await startStack({
      simulator: { tier: 'professional' },
      env: { WORKFLOW_IDLE_TIMEOUT_MS: '120000' },
    });
    const runs: Array<Record<string, number | string>> = [];
    try {
      await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
      const prisma = stack.runtime.prisma;
      const pushed = () =>
        stack.temporal.workflow.getHandle(pushWorkflowId(stack.portalId, 'contacts')).query(pushStatusQuery);
      for (let rep = 0; rep < reps; rep++) {
        const rows = await prisma.$queryRaw<Array<{ id: string }>>`
          INSERT INTO contacts (portal_id, email, first_name)
          SELECT ${stack.portalId}, 'bulk' || ${rep} || '-' || g || '@bench.example', 'Bulk' FROM generate_series(1, ${bulk}) AS g
          RETURNING id::text AS id`;
        const ids = rows.map((r) => r.id);
        for (const kind of ['create', 'update'] as const) {
          await sleep(10_500); // an empty rolling window, so every run starts from the same budget
          if (kind === 'update')
            await prisma.contact.updateMany({ where: { id: { in: ids } }, data: { jobTitle: `rep ${rep}` } });
          await stack.sim('DELETE', '/__sim/counters');
          const updatedBefore = kind === 'update' ? (await pushed()).updated : 0;
          const started = performance.now();
          await report(stack, 'contacts', ids, kind === 'update' ? ['jobTitle'] : undefined);
          for (;;) {
            const done =
              kind === 'create'
                ? (await prisma.contact.count({ where: { id: { in: ids }, hubspotId: null } })) === 0
                : (await pushed()).updated - updatedBefore >= bulk;
            if (done) break;
            await sleep(50);
          }
          const elapsedMs = performance.now() - started;
          const c = await counters(stack);
          const recordsPerSec = bulk / (elapsedMs / 1000);
          runs.push({
            kind,
            rep,
            records: bulk,
            elapsedMs: Math.round(elapsedMs),
            recordsPerSec: Math.round(recordsPerSec),
            fractionOfCeiling: Number((recordsPerSec / ceilingRecordsPerSec).toFixed(3)),
            requests: c.total,
            writeCalls:
              (c.byEndpoint['POST /crm/v3/objects/contacts/batch/upsert'] ?? 0) +
              (c.byEndpoint['POST /crm/v3/objects/contacts/batch/update'] ?? 0),
            readCalls: c.byEndpoint['POST /crm/v3/objects/contacts/batch/read'] ?? 0,
            rateLimited429: c.byStatus['429'] ?? 0,
          });
          console.log(JSON.stringify(runs.at(-1)));
        }
      }
    } finally {
      await stack.close();
    }
    return runs;
  }

  const latency = [await singleLatencies(1000), await singleLatencies(50)];
  console.log(JSON.stringify(latency));
  const bulkResults = await bulkRuns();

  const results = {
    benchmark: 'push',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    ceiling: { requestsPer10s: CEILING_PER_10S, recordsPerSec: ceilingRecordsPerSec },
    latency,
    bulk: bulkResults,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'push.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = [
    '# Push benchmark (`npm run bench:push`)',
    '',
    `Run ${results.at} on ${results.machine.cpus} CPUs, Node ${results.machine.node}. Whole stack in one process: Fastify route,`,
    'Temporal dev server, push workflow, batch activity on the HubSpot queue, simulator at the Professional ceiling',
    `(${CEILING_PER_10S} requests / 10 s → ${ceilingRecordsPerSec} records/s with 100 records a call). Webhook delivery off.`,
    '',
    '## Local change → value in HubSpot (single changes, sequential)',
    '',
    '| batch window | kind | n | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|',
    ...latency.flatMap((l) =>
      (['create', 'update'] as const).map(
        (k) => `| ${l.batchWindowMs} ms | ${k} | ${l[k].n} | ${l[k].p50Ms} | ${l[k].p99Ms} | ${l[k].maxMs} |`,
      ),
    ),
    '',
    '## Bulk: 10,000 records reported at once',
    '',
    '| kind | rep | elapsed ms | records/s | fraction of ceiling | write calls | read calls | 429s |',
    '|---|---|---|---|---|---|---|---|',
    ...bulkResults.map(
      (r) =>
        `| ${r.kind} | ${r.rep} | ${r.elapsedMs} | ${r.recordsPerSec} | ${r.fractionOfCeiling} | ${r.writeCalls} | ${r.readCalls} | ${r.rateLimited429} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'push.md'), md);
  console.log(md);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
