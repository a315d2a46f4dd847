// Child processes for the benchmarks: node + tsx scripts in their own process groups, killed with the bench, and
// their RSS and CPU read from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const children: ChildProcess[] = [];
export const killGroup = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void => {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
};
process.on('exit', () => children.forEach((c) => killGroup(c, 'SIGKILL')));

/**
 * Spawns `node --import tsx <script>` (one process, tsx as a loader) in its own process group and resolves once a
 * stdout line matches `ready`. `nodeArgs` go to node itself (--cpu-prof is refused in NODE_OPTIONS).
 */
export function spawnTsx(
  script: string,
  argv: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...argv], {
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

export interface ProcSample {
  pid: number;
  rssBytes: number;
  cpuSeconds: number;
}

/** /proc/<pid>/stat fields after the command name: [2] pgrp, [11] utime, [12] stime (clock ticks of 1/100 s). */
export function procSample(pid: number): ProcSample & { pgrp: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    pid,
    pgrp: Number(fields[2]),
    rssBytes: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024,
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100,
  };
}

/** Every process of a process group (the worker's node process and esbuild, tsx's transformer). */
export function groupSamples(pgid: number): ProcSample[] {
  const out: ProcSample[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const sample = procSample(Number(entry));
      if (sample.pgrp === pgid) out.push(sample);
    } catch {
      // process ended while we looked
    }
  }
  return out;
}

export const cpuOf = (pids: number[]): number =>
  pids.reduce((sum, pid) => {
    try {
      return sum + procSample(pid).cpuSeconds;
    } catch {
      return sum;
    }
  }, 0);
