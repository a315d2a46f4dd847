// Workflows import these modules; Temporal's sandbox rejects node built-ins and replays break on
// wall-clock or randomness. A static check keeps a later edit from slipping one in unnoticed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SYNC_DIR = join(__dirname, '../../src/sync');
// The zod schema runs at worker start-up only; the barrel re-exports it.
const NOT_FOR_WORKFLOWS = new Set(['mapping-config.ts', 'index.ts']);

const workflowSafeFiles = (): string[] =>
  [...readdirSync(SYNC_DIR), ...readdirSync(join(SYNC_DIR, 'mappings')).map((f) => `mappings/${f}`)].filter(
    (f) => f.endsWith('.ts') && !NOT_FOR_WORKFLOWS.has(f),
  );

describe('workflow-safe sync modules', () => {
  it.each(workflowSafeFiles())('%s has no I/O imports, clock or randomness', (file) => {
    const source = readFileSync(join(SYNC_DIR, file), 'utf8');
    const runtimeImports = [...source.matchAll(/^import\s+(?!type\b)(.*?)from\s+'([^']+)'/gms)]
      .filter(([, clause]) => !/^\{\s*(type\s+[\w$]+\s*,?\s*)+\}\s*$/.test(clause ?? ''))
      .map(([, , from]) => from);
    for (const from of runtimeImports) expect(from).toMatch(/^\.\.?\//);
    expect(runtimeImports).not.toContain('./mapping-config');
    expect(source).not.toMatch(/Date\.now\(|Math\.random\(|new Date\(\)|process\.|require\(/);
  });
});
