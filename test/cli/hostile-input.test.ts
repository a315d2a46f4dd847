// Hostile input at the two other doors: the CLI's argv and the mapping configuration. A usage mistake is exit
// code 2 with one line on stderr, never a stack trace; a bad mapping is a MappingConfigError naming the path.
import fc from 'fast-check';
import { runCli } from '../../src/cli';
import { DEFAULT_MAPPING, MappingConfigError, parseMappingConfig } from '../../src/sync';
import { COMMANDS, DEAD_ENV, STACK_LINE, WORDS, usageMistake } from './hostile-argv';

jest.setTimeout(120_000);

function memory() {
  let text = '';
  return { stream: { write: (chunk: string) => void (text += chunk) }, text: () => text };
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = memory();
  const err = memory();
  const code = await runCli(argv, { stdout: out.stream, stderr: err.stream }, DEAD_ENV);
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('hostile input: the CLI', () => {
  it('a usage mistake exits 2 with one line naming it, never a stack trace (in process)', async () => {
    await fc.assert(
      fc.asyncProperty(usageMistake, async (argv) => {
        const { code, stderr } = await run(argv);
        expect({ argv, code }).toEqual({ argv, code: 2 });
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(stderr).toMatch(/^hubsync/);
        expect(stderr).not.toMatch(STACK_LINE);
      }),
      { numRuns: 150 },
    );
  });

  it('unknown commands and random argv: exit 0/1/2 with at most one error line, never a stack trace', async () => {
    const token = fc.oneof(
      fc.constantFrom(...COMMANDS, ...WORDS),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 5 }), async (argv) => {
        const { code, stderr } = await run(argv);
        expect([0, 1, 2]).toContain(code);
        expect(stderr).not.toMatch(STACK_LINE);
        if (code !== 0 && !(argv.length === 0)) expect(stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(1);
        if (argv.length > 0 && !COMMANDS.includes(argv[0]!) && !['--help', '-h', 'help'].includes(argv[0]!))
          expect(code).toBe(2);
      }),
      { numRuns: 60 },
    );
  });
});

describe('hostile input: the mapping config', () => {
  /** Any throw must be a MappingConfigError whose every problem starts with a path (or `(root)`). */
  function expectNamedRefusalOrMapping(input: unknown): void {
    try {
      const mapping = parseMappingConfig(input);
      expect(Object.keys(mapping).sort()).toEqual(Object.keys(DEFAULT_MAPPING).sort());
    } catch (err) {
      expect(err).toBeInstanceOf(MappingConfigError);
      const problems = (err as MappingConfigError).problems;
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems)
        expect(problem).toMatch(/^(\(root\)|[a-z_]+(\.[A-Za-z]+|\[\d+\])*(\.[A-Za-z_$]+)*): /);
    }
  }

  it('random JSON values: a mapping or a MappingConfigError naming the path, nothing else', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withObjectString: true,
          withMap: true,
          withSet: true,
          withBigInt: true,
          withDate: true,
          withTypedArray: true,
          withSparseArray: true,
        }),
        expectNamedRefusalOrMapping,
      ),
      { numRuns: 500 },
    );
  });

  it('mutations of the default mapping: replaced, removed and added keys at every depth', () => {
    const paths: Array<Array<string | number>> = [];
    const walk = (value: unknown, path: Array<string | number>) => {
      paths.push(path);
      if (value && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    };
    walk(DEFAULT_MAPPING, []);
    const mutation = fc.record({
      path: fc.constantFrom(...paths.filter((p) => p.length > 0)),
      kind: fc.constantFrom('replace', 'remove', 'add'),
      value: fc.oneof(
        fc.jsonValue(),
        fc.constantFrom(
          '',
          'nope',
          'toHubSpot',
          'enum',
          '__proto__',
          'constructor',
          -1,
          Number.POSITIVE_INFINITY,
          null,
        ),
      ),
      key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'prototype')),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const input = JSON.parse(JSON.stringify(DEFAULT_MAPPING)) as Record<string, unknown>;
        for (const { path, kind, value, key } of mutations) {
          let parent: Record<string | number, unknown> = input;
          for (const part of path.slice(0, -1)) {
            const next = parent[part];
            if (!next || typeof next !== 'object') return;
            parent = next as Record<string | number, unknown>;
          }
          const last = path[path.length - 1]!;
          if (kind === 'replace') parent[last] = value;
          else if (kind === 'remove') delete parent[last];
          else if (parent[last] && typeof parent[last] === 'object')
            Object.defineProperty(parent[last], key, { value, enumerable: true, configurable: true, writable: true });
        }
        expectNamedRefusalOrMapping(input);
      }),
      { numRuns: 500 },
    );
  });
});
