// Where a process's CPU went, from a V8 .cpuprofile (`bench:backfill -- --cpu-prof DIR` writes the worker's):
// self time grouped by package or source folder, and the heaviest functions.
// Usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [--top 25] [--window writeRows]
// --window keeps the samples between the first and the last one in a function whose name or file holds it: the
// backfill's pages, without the worker's start-up (bundling, module loading) and shutdown.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function groupOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(src\/[^/]+|activities|workflows|bench)\//.exec(url);
  return own ? own[1]! : url;
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [--top N]');
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 25;
  const windowIndex = process.argv.indexOf('--window');
  const marker = windowIndex > 0 ? process.argv[windowIndex + 1] : undefined;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times: number[] = [];
  profile.samples.reduce((at, _, i) => (times[i] = at + (profile.timeDeltas[i] ?? 0)), profile.startTime);
  const marked = profile.samples
    .map((id, i) => {
      const frame = byId.get(id)!.callFrame;
      return marker && `${frame.functionName} ${frame.url}`.includes(marker) ? i : -1;
    })
    .filter((i) => i >= 0);
  const [first, last] = marker ? [marked[0] ?? 0, marked[marked.length - 1] ?? 0] : [0, profile.samples.length - 1];
  const selfUs = new Map<number, number>();
  for (let i = first; i <= last; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)') continue;
    busy += us;
    const group = groupOf(callFrame.url, callFrame.functionName);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.replace(/^.*node_modules\//, '')}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const wall = ((times[last] ?? 0) - (times[first] ?? 0)) / 1e6;
  const line = ([name, us]: [string, number]) =>
    `| ${name} | ${(us / 1e6).toFixed(2)} | ${((100 * us) / busy).toFixed(1)} % |`;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  console.log(`${file}: ${wall.toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s on the CPU (not idle)\n`);
  console.log('| group | self s | of busy |\n|---|---:|---:|');
  sorted(groups)
    .slice(0, 20)
    .forEach((e) => console.log(line(e)));
  console.log('\n| function | self s | of busy |\n|---|---:|---:|');
  sorted(functions)
    .slice(0, top)
    .forEach((e) => console.log(line(e)));
}

main();
