// Deploy safety: every committed history (test/workflows/histories/, recorded by scripts/record-histories.ts from
// real runs) replays against the current workflow code without a nondeterminism error. A change that alters the
// commands a running execution already made fails here and must go behind patched() (see the histories' README).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../workflows';
import { historyFromJSON } from '../support/history-json';

jest.setTimeout(180_000);

const DIR = join(__dirname, 'histories');

interface Recorded {
  file: string;
  workflowId: string;
  workflowType: string;
  history: ReturnType<typeof historyFromJSON>;
}

function recorded(): Recorded[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const history = historyFromJSON(JSON.parse(readFileSync(join(DIR, file), 'utf8')));
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      // The recorded id: children's ids are derived from their parent's, and replay compares them.
      return {
        file,
        workflowId: started?.workflowId ?? file,
        workflowType: started?.workflowType?.name ?? '',
        history,
      };
    });
}

describe('workflow replay', () => {
  const histories = recorded();

  it('has a committed history of every workflow type the worker runs', () => {
    const exported = Object.entries(workflows)
      .filter(([name, value]) => typeof value === 'function' && name.endsWith('Workflow'))
      .map(([name]) => name)
      .sort();
    expect(exported.length).toBeGreaterThanOrEqual(7);
    const covered = new Set(histories.map((h) => h.workflowType));
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('replays every committed history against the current workflow code', async () => {
    const fileOf = new Map(histories.map((h) => [h.workflowId, h.file]));
    const results: Array<{ file: string; error?: string }> = [];
    const replays = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../workflows'), replayName: 'hubsync-replay-test' },
      histories.map((h) => ({ workflowId: h.workflowId, history: h.history })),
    );
    for await (const result of replays)
      results.push({
        file: fileOf.get(result.workflowId) ?? result.workflowId,
        ...(result.error ? { error: String(result.error) } : {}),
      });
    expect(results.map((r) => r.file).sort()).toEqual(histories.map((h) => h.file));
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
  });
});
