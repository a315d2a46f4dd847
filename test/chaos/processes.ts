// The moving parts the chaos run kills and restarts: hubsync's worker and server as child processes (as in
// production), and a private Temporal dev server (the shared one on 7233 belongs to everyone else).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { Config } from '../../src/config';

export const CHAOS_TEMPORAL_PORT = Number(process.env.CHAOS_TEMPORAL_PORT ?? 7633);
const TEMPORAL_DATA_DIR = 'data/temporal-chaos';

function temporalScript(action: 'start' | 'stop'): void {
  execFileSync('bash', ['scripts/temporal-server.sh', action], {
    env: { ...process.env, TEMPORAL_PORT: String(CHAOS_TEMPORAL_PORT), TEMPORAL_DATA_DIR },
    // No pipes: the dev server started in the background would inherit them and keep this call waiting.
    stdio: 'ignore',
    timeout: 120_000,
  });
}

export const privateTemporal = {
  address: `127.0.0.1:${CHAOS_TEMPORAL_PORT}`,
  /** A fresh server: the previous run's history is removed first (nothing else uses this directory). */
  startFresh(): void {
    temporalScript('stop');
    rmSync(`${TEMPORAL_DATA_DIR}/temporal-${CHAOS_TEMPORAL_PORT}.db`, { force: true });
    rmSync(`${TEMPORAL_DATA_DIR}/temporal-${CHAOS_TEMPORAL_PORT}.db-wal`, { force: true });
    rmSync(`${TEMPORAL_DATA_DIR}/temporal-${CHAOS_TEMPORAL_PORT}.db-shm`, { force: true });
    temporalScript('start');
  },
  start: () => temporalScript('start'),
  stop: () => temporalScript('stop'),
};

/** The config as the environment a child process reads it from. */
export function configEnv(config: Config, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [key, value] of Object.entries(config)) if (value !== undefined) env[key] = String(value);
  return { ...env, ...overrides };
}

/**
 * A child hubsync process (`tsx src/<entry>.ts`) that can be killed (SIGKILL: a crash) and started again.
 * tsx runs the entry in a grandchild node process: signalling only tsx would orphan it (still polling,
 * still listening, holding the log pipes open), so each start gets its own process group and a kill
 * signals the whole group.
 */
export class HubsyncProcess {
  private child: ChildProcess | undefined;
  starts = 0;

  constructor(
    private readonly entry: 'worker' | 'server',
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {
    mkdirSync('data/chaos', { recursive: true });
  }

  start(): void {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.child = spawn('node_modules/.bin/tsx', [`src/${this.entry}.ts`], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.starts += 1;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    // 'close' (not 'exit'): the group's last member is gone once the pipes it held are closed.
    const closed = new Promise((resolve) => child.once('close', resolve));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      child.kill(signal); // the group is already gone
    }
    await closed;
  }

  async restart(): Promise<void> {
    await this.kill();
    this.start();
  }
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** mulberry32: tiny, seedable, good enough to make a run reproducible from its seed. */
export function prng(seed: number): {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
} {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}
