// The CLI's sync commands against a real stack: exit codes, one-line errors, the progress bar fed by the
// backfill's `progress` query.
import { runCli } from '../../src/cli';
import { deleteSyncSchedule, describeSyncSchedule } from '../../src/scheduled/schedules';
import { OBJECT_TYPES } from '../../src/sync/object-types';
import { startStack, type Stack } from '../support/stack';
import { rowCount, waitFor } from '../scheduled/helpers';

jest.setTimeout(120_000);

describe('hubsync CLI: sync, backfill, schedule', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false, env: { HUBSPOT_REQUESTS_PER_10S: '2000' } });
    await stack.sim('POST', '/__sim/seed', { deals: 450, owners: 3, associations: false });
  });

  afterAll(async () => {
    await deleteSyncSchedule(stack.temporal, stack.portalId).catch(() => undefined);
    await stack.close();
  });

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const { config } = stack.runtime;
    const env = {
      DATABASE_URL: config.DATABASE_URL,
      TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      TEMPORAL_HUBSPOT_TASK_QUEUE: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
      HUBSPOT_PORTAL_ID: stack.portalId,
    };
    const code = await runCli(
      argv,
      { stdout: { write: (t) => void (out += t) }, stderr: { write: (t) => void (err += t) } },
      env,
    );
    return { code, out, err };
  }

  it('answers usage errors with exit code 2 and one line', async () => {
    for (const argv of [
      [],
      ['bogus'],
      ['sync'],
      ['sync', 'later'],
      ['backfill', '--objects', 'contacts,widgets'],
      ['backfill', '--objects'],
      ['schedule', 'explode'],
      ['sync', 'now', '--wat'],
    ]) {
      const { code, err } = await cli(...argv);
      expect(code).toBe(2);
      expect(err.trim().split('\n').length).toBeGreaterThanOrEqual(1);
    }
    const bad = await cli('backfill', '--objects', 'contacts,widgets');
    expect(bad.err).toBe(
      `hubsync backfill: --objects: unknown type widgets; known: ${OBJECT_TYPES.join(', ')} (see hubsync backfill --help)\n`,
    );
    const help = await cli('backfill', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hubsync backfill [--objects a,b]');
  });

  it('checks its arguments before connecting: a usage mistake is exit 2 even with Temporal unreachable', async () => {
    let err = '';
    const env = {
      DATABASE_URL: stack.runtime.config.DATABASE_URL,
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      HUBSPOT_PORTAL_ID: stack.portalId,
    };
    const code = await runCli(
      ['sync', 'now', '--objects', 'bogus'],
      { stdout: { write: () => undefined }, stderr: { write: (t) => void (err += t) } },
      env,
    );
    expect(code).toBe(2);
    expect(err).toMatch(/--objects: unknown type bogus/);
  });

  it('fails with exit code 1 and one line when the schedule does not exist', async () => {
    const { code, err } = await cli('schedule', 'pause');
    expect(code).toBe(1);
    expect(err).toMatch(/^hubsync: schedule hourly-sync:\d+ does not exist \(run: hubsync schedule ensure\)\n$/);
  });

  it('ensures, pauses and resumes the schedule', async () => {
    expect((await cli('schedule', 'ensure')).code).toBe(0);
    expect(await cli('schedule', 'pause', '--note', 'maintenance')).toMatchObject({ code: 0 });
    const state = () => describeSyncSchedule(stack.temporal, stack.portalId).then((d) => d.state);
    expect(await waitFor('pause', async () => ((await state()).paused ? state() : undefined))).toMatchObject({
      paused: true,
      note: 'maintenance',
    });
    expect((await cli('schedule', 'resume')).code).toBe(0);
    await waitFor('resume', async () => ((await state()).paused ? undefined : true));
  });

  it('backfills chosen types with a progress bar, then syncs now', async () => {
    const backfill = await cli('backfill', '--objects', 'deals,owners');
    expect(backfill.code).toBe(0);
    expect(backfill.out).toMatch(/backfill \[#{30}\] 100% 453\/453 records/);
    expect(backfill.out).toContain('deals: 450 records');
    expect(await rowCount(stack.runtime.prisma, 'deals', stack.portalId)).toBe(450);

    const sync = await cli('sync', 'now', '--objects', 'deals,owners');
    expect(sync.code).toBe(0);
    expect(sync.out).toMatch(/^started sync:\d+:manual-/);
    expect(sync.out).toMatch(/deals: .*/);
  });
});
