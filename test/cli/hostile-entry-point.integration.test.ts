// The real entry point (tsx src/cli.ts) answers a usage mistake as the in-process CLI does: exit code 2 with
// one line on stderr, never a stack trace. A process per command line, so it runs with the integration tests.
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { DEAD_ENV, STACK_LINE, usageMistake } from './hostile-argv';

jest.setTimeout(120_000);

describe('hostile input: the CLI entry point', () => {
  it('exits 2 with one line for mutated argv', async () => {
    const samples = fc.sample(usageMistake, { numRuns: 3, seed: 9 });
    samples.push(['no-such-command'], ['sync', 'now', '--objects']);
    const results = await Promise.all(
      samples.map(
        (argv) =>
          new Promise<{ argv: string[]; code: number | null; stderr: string }>((resolve) => {
            const child = spawn('node_modules/.bin/tsx', ['src/cli.ts', ...argv], {
              env: DEAD_ENV,
              stdio: ['ignore', 'pipe', 'pipe'],
            });
            let stderr = '';
            child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
            child.on('close', (code) => resolve({ argv, code, stderr }));
          }),
      ),
    );
    for (const { argv, code, stderr } of results) {
      expect({ argv, code }).toEqual({ argv, code: 2 });
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(STACK_LINE);
    }
  });
});
