// What the benchmarks that run hubsync's own worker share: their command-line flags, the bench database and
// Temporal, the simulator's admin calls, the worker's production environment and the results files.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/hubsync_bench';
export const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

/** `--name value` pairs after the script's name. */
export function benchArgs(argv: string[] = process.argv): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 2; i < argv.length; i += 2) args.set((argv[i] ?? '').replace(/^--/, ''), argv[i + 1] ?? '');
  return args;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A simulator admin call (`/__sim/…`); a refusal stops the benchmark with the simulator's answer. */
export async function simAdmin<T>(simUrl: string, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${simUrl}${p}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${method} ${p} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export function migrateBenchDatabase(): void {
  const migrate = spawnSync('bash', ['scripts/db-migrate.sh'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL },
    stdio: 'ignore',
  });
  if (migrate.status !== 0) throw new Error('migrating the bench database failed (is PostgreSQL up?)');
}

/**
 * The environment of a worker (or API server) the benchmark starts: production, its own task queues, HubSpot
 * at the simulator. Production refuses the repository's demo secrets, so the platform key is random (the
 * benchmarks make no platform calls); `extra` adds the HubSpot credentials of the run.
 */
export function hubsyncEnv(simUrl: string, queue: string, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL,
    TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: queue,
    TEMPORAL_HUBSPOT_TASK_QUEUE: `${queue}-hubspot`,
    HUBSPOT_BASE_URL: simUrl,
    PLATFORM_API_KEY: randomBytes(24).toString('hex'),
    ...extra,
  };
}

export interface MachineInfo {
  cpus: number;
  node: string;
  loadAverage1m: { before: number; after: number };
}

/** The machine a run measured, with the load average before it and now (the machine is shared). */
export function machineInfo(loadBefore: number): MachineInfo {
  return { cpus: cpus().length, node: process.version, loadAverage1m: { before: loadBefore, after: loadNow() } };
}

export const loadNow = (): number => round(loadavg()[0] ?? 0);

/** bench/results/<name>.json and .md. */
export function writeResults(name: string, json: unknown, markdown: string): void {
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, `bench/results/${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(ROOT, `bench/results/${name}.md`), markdown);
  console.log(markdown);
  console.log(`wrote bench/results/${name}.json and ${name}.md`);
}
