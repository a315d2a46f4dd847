// A worker PROCESS is killed with SIGKILL in the middle of a 50,000-record backfill; a new one takes over.
// The table must end with exactly the simulator's 50,000 records, each once, and the committed count must
// be exact (a page committed twice would count twice).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { startStack, type Stack } from '../support/stack';
import { deleteSyncSchedule } from '../../src/scheduled/schedules';
import { startBackfill } from '../../src/scheduled/start-sync';
import type { BackfillProgress } from '../../workflows/scheduled/backfill';
import { rowCount, waitFor } from './helpers';

jest.setTimeout(300_000);

const RECORDS = 50_000;
const ROOT = path.resolve(__dirname, '../..');

describe('backfill crash recovery', () => {
  let stack: Stack;
  const workers: ChildProcess[] = [];
  let workerStderr = '';

  beforeAll(async () => {
    stack = await startStack({ withWorker: false, withApp: false });
    await stack.sim('POST', '/__sim/seed', { contacts: RECORDS, owners: 1, associations: false });
  });

  afterAll(async () => {
    for (const worker of workers) killGroup(worker, 'SIGKILL');
    await deleteSyncSchedule(stack.temporal, stack.portalId).catch(() => undefined);
    await stack.close();
  });

  /** The real entry point, as a separate process group so SIGKILL reaches tsx's node child too. */
  function spawnWorker(): ChildProcess {
    const { config } = stack.runtime;
    const worker = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/worker.ts'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        DATABASE_URL: config.DATABASE_URL,
        TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
        TEMPORAL_HUBSPOT_TASK_QUEUE: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
        HUBSPOT_BASE_URL: stack.simulator.url,
        HUBSPOT_ACCESS_TOKEN: stack.token,
        HUBSPOT_PORTAL_ID: stack.portalId,
        HUBSPOT_REQUESTS_PER_10S: '5000',
      },
    });
    // Kept for the failure message only: the SDK logs its start-up to stderr.
    worker.stderr?.on('data', (d: Buffer) => (workerStderr = (workerStderr + d.toString()).slice(-2000)));
    workers.push(worker);
    return worker;
  }

  function killGroup(worker: ChildProcess, signal: NodeJS.Signals): void {
    if (worker.pid === undefined || worker.exitCode !== null || worker.signalCode !== null) return;
    try {
      process.kill(-worker.pid, signal);
    } catch {
      // already gone
    }
  }

  const committed = async (): Promise<number> => {
    const rows = await stack.runtime.prisma.syncCursor.findMany({
      where: { portalId: stack.portalId, objectType: 'contacts' },
    });
    return rows[0]?.backfillDone ?? 0;
  };

  it('resumes from the last committed page with no gap and no duplicate', async () => {
    const first = spawnWorker();
    const handle = await startBackfill(stack.temporal, stack.portalId, stack.runtime.config, {
      objectTypes: ['contacts'],
      restart: true,
    });
    const doneAtKill = await waitFor(
      'a third of the backfill',
      async () => {
        const done = await committed();
        return done >= RECORDS / 3 ? done : undefined;
      },
      180_000,
      100,
    );
    killGroup(first, 'SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(doneAtKill).toBeLessThan(RECORDS);

    const second = spawnWorker();
    second.once('exit', (code) => code && console.error(`second worker exited with ${code}: ${workerStderr}`));
    const progress = await handle.result();
    expect(progress).toMatchObject({ done: RECORDS, complete: true });
    expect(await committed()).toBe(RECORDS);
    expect(await rowCount(stack.runtime.prisma, 'contacts', stack.portalId)).toBe(RECORDS);

    const rows = await stack.runtime.prisma.$queryRawUnsafe<Array<{ hubspot_id: string; n: number }>>(
      'SELECT hubspot_id, count(*)::int AS n FROM contacts WHERE portal_id = $1 GROUP BY hubspot_id HAVING count(*) > 1',
      stack.portalId,
    );
    expect(rows).toEqual([]);
    const state = await stack.sim<{
      objects: { contacts: Array<{ id: string; properties: Record<string, string | null> }> };
    }>('GET', '/__sim/state?types=contacts');
    const local = await stack.runtime.prisma.contact.findMany({
      where: { portalId: stack.portalId },
      select: { hubspotId: true, email: true },
    });
    const emailById = new Map(local.map((r) => [r.hubspotId, r.email]));
    expect(emailById.size).toBe(state.objects.contacts.length);
    for (const record of state.objects.contacts) expect(emailById.get(record.id)).toBe(record.properties.email ?? null);
    const query = (await handle.query<BackfillProgress>('progress').catch(() => undefined)) ?? progress;
    expect(query.done).toBe(RECORDS);
  });
});
