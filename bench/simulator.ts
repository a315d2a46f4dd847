// Simulator throughput with 1,000,000 records: list and search requests per second and the server's RSS.
// Runs the simulator as its own process (as `npm run simulator` does) and drives it over keep-alive HTTP.
// Usage: npm run bench:simulator [-- --records 1000000 --seconds 5 --concurrency 16]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set((process.argv[i] ?? '').replace(/^--/, ''), process.argv[i + 1] ?? '');
const RECORDS = Number(args.get('records') ?? 1_000_000);
const SECONDS = Number(args.get('seconds') ?? 5);
const CONCURRENCY = Number(args.get('concurrency') ?? 16);
const BULK_AT = Date.parse('2025-03-01T12:00:00.000Z');
const TOKEN = 'sim-token-demo';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of a benchmark client, read loosely
type Json = any;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(
  port: number,
  method: string,
  p: string,
  body?: unknown,
  auth = true,
): Promise<{ status: number; json: Json }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: p,
        agent,
        headers: {
          ...(auth ? { Authorization: `Bearer ${TOKEN}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Scenario {
  name: string;
  next: (worker: { cursor?: string; n: number }) => {
    method: string;
    path: string;
    body?: unknown;
    after?: (json: Json) => void;
  };
}

async function run(port: number, s: Scenario): Promise<Record<string, number>> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      const state: { cursor?: string; n: number } = { n: w * 7919 };
      while (performance.now() < deadline) {
        const r = s.next(state);
        const t0 = performance.now();
        const res = await request(port, r.method, r.path, r.body);
        latencies.push(performance.now() - t0);
        if (res.status >= 300) errors++;
        else r.after?.(res.json);
        state.n++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 100) / 100;
  return {
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors,
  };
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const child = spawn(
    process.execPath,
    [
      require.resolve('tsx/cli'),
      'src/simulator/main.ts',
      '--port',
      '0',
      '--tier',
      'unlimited',
      '--indexing-lag-ms',
      '0',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`simulator exited: ${out}`)));
  });
  try {
    const mix = { contacts: 0.6, companies: 0.1, deals: 0.2, tickets: 0.05, tasks: 0.05 };
    const counts = Object.fromEntries(Object.entries(mix).map(([t, f]) => [t, Math.round(RECORDS * f)]));
    const t0 = performance.now();
    const seeded = await request(
      port,
      'POST',
      '/__sim/seed',
      {
        seedValue: 1,
        ...counts,
        bulkIdentical: { objectType: 'contacts', count: Math.min(12_000, counts.contacts ?? 0), at: BULK_AT },
      },
      false,
    );
    const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const [firstId, lastId] = (seeded.json.ids.contacts as [string, string]).map(Number) as [number, number];
    const rssAfterSeed = (await request(port, 'GET', '/__sim/health', undefined, false)).json.rssBytes as number;
    const day = 86_400_000;
    const from = Date.parse('2024-01-01T00:00:00Z');
    const scenarios: Scenario[] = [
      {
        name: 'list contacts (limit 100, walking pages)',
        next: (w) => ({
          method: 'GET',
          path: `/crm/v3/objects/contacts?limit=100&properties=email,firstname,lastname${w.cursor ? `&after=${w.cursor}` : ''}`,
          after: (j) => (w.cursor = j.paging?.next?.after),
        }),
      },
      {
        name: 'search contacts: 1-day last-modified window, sort by last-modified, 200 a page',
        next: (w) => {
          const start = from + (w.n % 500) * day;
          return {
            method: 'POST',
            path: '/crm/v3/objects/contacts/search',
            body: {
              filterGroups: [
                {
                  filters: [
                    { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(start) },
                    { propertyName: 'lastmodifieddate', operator: 'LT', value: String(start + day) },
                  ],
                },
              ],
              sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
              limit: 200,
              properties: ['email'],
            },
          };
        },
      },
      {
        name: 'search contacts: 12,000 identical timestamps, hs_object_id > cursor, sort by id',
        next: (w) => ({
          method: 'POST',
          path: '/crm/v3/objects/contacts/search',
          body: {
            filterGroups: [
              {
                filters: [
                  { propertyName: 'lastmodifieddate', operator: 'EQ', value: String(BULK_AT) },
                  { propertyName: 'hs_object_id', operator: 'GT', value: String(firstId + ((w.n * 37) % 11_800)) },
                ],
              },
            ],
            sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
            limit: 200,
          },
        }),
      },
      {
        name: 'search contacts: whole-portal window (600k matches), sort by hs_object_id, deep page',
        next: (w) => ({
          method: 'POST',
          path: '/crm/v3/objects/contacts/search',
          body: {
            filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }],
            sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }],
            limit: 200,
            after: String((w.n * 200) % 9800),
          },
        }),
      },
      {
        name: 'search contacts: email EQ',
        next: (w) => ({
          method: 'POST',
          path: '/crm/v3/objects/contacts/search',
          body: {
            filterGroups: [
              { filters: [{ propertyName: 'email', operator: 'EQ', value: `nobody-${w.n}@example.com` }] },
            ],
          },
        }),
      },
      {
        name: 'batch read 100 contacts',
        next: (w) => ({
          method: 'POST',
          path: '/crm/v3/objects/contacts/batch/read',
          body: {
            inputs: Array.from({ length: 100 }, (_, i) => ({
              id: String(firstId + ((w.n * 100 + i) % (lastId - firstId))),
            })),
            properties: ['email'],
          },
        }),
      },
    ];
    const results: Record<string, Record<string, number>> = {};
    for (const s of scenarios) {
      results[s.name] = await run(port, s);
      console.log(s.name, results[s.name]);
    }
    const rssAfterLoad = (await request(port, 'GET', '/__sim/health', undefined, false)).json.rssBytes as number;
    const out = {
      date: new Date().toISOString(),
      node: process.version,
      records: RECORDS,
      recordsByType: counts,
      seedSeconds,
      concurrency: CONCURRENCY,
      secondsPerScenario: SECONDS,
      rssMbAfterSeed: Math.round(rssAfterSeed / 1e6),
      rssMbAfterLoad: Math.round(rssAfterLoad / 1e6),
      scenarios: results,
    };
    const dir = path.join(root, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'simulator.json'), `${JSON.stringify(out, null, 2)}\n`);
    const rows = Object.entries(results).map(
      ([name, r]) => `| ${name} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} |`,
    );
    writeFileSync(
      path.join(dir, 'simulator.md'),
      [
        '# HubSpot simulator benchmark',
        '',
        `${out.date}, Node ${out.node}, ${RECORDS.toLocaleString('en')} records (${Object.entries(counts)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')}), seeded in ${seedSeconds} s.`,
        `Server RSS: ${out.rssMbAfterSeed} MB after seeding, ${out.rssMbAfterLoad} MB after the load. ${CONCURRENCY} concurrent keep-alive clients, ${SECONDS} s per scenario, client and server on the same (2-core) machine.`,
        "Target: ≥ 500 req/s (20× HubSpot's highest 10-second tier).",
        '',
        '| scenario | req/s | p50 ms | p99 ms | errors |',
        '|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    child.kill('SIGTERM');
    agent.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
