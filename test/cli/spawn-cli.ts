// Runs `hubsync` as a real process (tsx src/cli.ts), configured only through its environment, the way an
// operator or a script runs it.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Stack } from '../support/stack';

const ROOT = resolve(__dirname, '../..');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/** hubsync's environment for a test stack (its database, Temporal, task queues, simulator and portal). */
export function stackEnv(stack: Stack): Record<string, string> {
  const c = stack.runtime.config;
  return {
    DATABASE_URL: c.DATABASE_URL,
    TEMPORAL_ADDRESS: c.TEMPORAL_ADDRESS,
    TEMPORAL_NAMESPACE: c.TEMPORAL_NAMESPACE,
    TEMPORAL_TASK_QUEUE: c.TEMPORAL_TASK_QUEUE,
    TEMPORAL_HUBSPOT_TASK_QUEUE: c.TEMPORAL_HUBSPOT_TASK_QUEUE,
    HUBSPOT_BASE_URL: c.HUBSPOT_BASE_URL,
    HUBSPOT_ACCESS_TOKEN: c.HUBSPOT_ACCESS_TOKEN,
    HUBSPOT_PORTAL_ID: c.HUBSPOT_PORTAL_ID,
    PUSH_BATCH_WINDOW_MS: String(c.PUSH_BATCH_WINDOW_MS),
    WORKFLOW_IDLE_TIMEOUT_MS: String(c.WORKFLOW_IDLE_TIMEOUT_MS),
    LOG_LEVEL: 'silent',
  };
}

export function runHubsync(env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(resolve(ROOT, 'node_modules/.bin/tsx'), ['src/cli.ts', ...argv], {
      cwd: ROOT,
      // Only what the CLI needs: nothing leaks in from the test process's own configuration.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}
