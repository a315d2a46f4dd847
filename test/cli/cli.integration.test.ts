// The operator commands against a running stack, each run as a real `hubsync` process: status, push,
// failures and replay — their output, their exit codes (0 ok, 1 failure, 2 usage) and one-line errors.
import { randomUUID } from 'node:crypto';
import { startStack, type Stack } from '../support/stack';
import { runHubsync, stackEnv, type CliRun } from './spawn-cli';

jest.setTimeout(180_000);

describe('hubsync CLI: status, push, failures, replay', () => {
  let stack: Stack;
  let env: Record<string, string>;
  const cli = (...argv: string[]): Promise<CliRun> => runHubsync(env, ...argv);
  const prisma = () => stack.runtime.prisma;
  const newContact = (email: string, lifecycleStage: string) =>
    prisma().contact.create({ data: { portalId: stack.portalId, email, firstName: 'Cli', lifecycleStage } });
  const oneLine = (run: CliRun) => expect(run.err.trimEnd().split('\n')).toHaveLength(1);

  beforeAll(async () => {
    stack = await startStack({ withApp: false, env: { PUSH_BATCH_WINDOW_MS: '50' } });
    env = stackEnv(stack);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('answers usage errors with exit code 2 and one line, --help with 0', async () => {
    for (const argv of [
      ['push', 'contacts'],
      ['push', 'widgets', randomUUID()],
      ['failures', '--limit', 'many'],
      ['replay', '--id', 'nope'],
    ]) {
      const run = await cli(...argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      oneLine(run);
      expect(run.err).toMatch(new RegExp(`^hubsync ${argv[0]}: .*\\(see hubsync ${argv[0]} --help\\)\\n$`));
    }
    const help = await cli('replay', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hubsync replay [--type t]');
    expect(help.out).toContain('--dry-run');
  });

  it('pushes one record and reports what HubSpot refused', async () => {
    const good = await newContact(`good-${stack.portalId}@cli.example`, 'lead');
    const pushed = await cli('push', 'contacts', good.id);
    expect(pushed).toMatchObject({ code: 0, err: '' });
    expect(pushed.out).toMatch(
      new RegExp(`^signalled push:${stack.portalId}:contacts\\ncontacts ${good.id}: pushed \\(HubSpot id \\d+\\)\\n$`),
    );
    const hubspotId = (await prisma().contact.findUniqueOrThrow({ where: { id: good.id } })).hubspotId;
    expect(pushed.out).toContain(`HubSpot id ${hubspotId}`);

    const again = await cli('push', 'contacts', good.id);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`contacts ${good.id}: nothing to send`);

    const bad = await newContact(`bad-${stack.portalId}@cli.example`, 'not-a-stage');
    const refused = await cli('push', 'contacts', bad.id);
    expect(refused.code).toBe(1);
    oneLine(refused);
    expect(refused.err).toMatch(
      new RegExp(`^hubsync push: HubSpot refused contacts ${bad.id}: \\S+ lifecyclestage: .*not-a-stage`),
    );

    const missing = await cli('push', 'contacts', randomUUID());
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^hubsync push: no contacts row [0-9a-f-]{36} in portal \d+\n$/);
  });

  it('lists failures newest first, in text and JSON, and status counts them', async () => {
    const listed = await cli('failures');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/when\s+kind\s+type\s+local id\s+HubSpot id\s+property\s+category\s+message/);
    expect(listed.out).toMatch(/failure\s+contacts\s+[0-9a-f-]{36}\s+-\s+lifecyclestage/);
    expect(listed.out).toContain('1 unresolved; after fixing the cause run: hubsync replay');

    const json = await cli('failures', '--json');
    expect(json.code).toBe(0);
    const entries = JSON.parse(json.out) as Array<{
      kind: string;
      objectType: string;
      property: string;
      resolvedAt: string | null;
      at: string;
    }>;
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'failure',
        objectType: 'contacts',
        property: 'lifecyclestage',
        resolvedAt: null,
      }),
    ]);

    const status = await cli('status', '--json');
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.out) as {
      portalId: string;
      types: Array<{
        objectType: string;
        records: number;
        unresolvedFailures: number;
        lastRun: { trigger: string } | null;
      }>;
    };
    expect(parsed.portalId).toBe(stack.portalId);
    expect(parsed.types.find((t) => t.objectType === 'contacts')).toMatchObject({
      records: 2,
      unresolvedFailures: 1,
      lastRun: { trigger: 'push' },
    });

    const text = await cli('status');
    expect(text.out).toMatch(/contacts\s+2\s+never synced\s+-\s+push outbound \w+ \d+[smhd] ago\s+1\s+0/);
    expect(text.out).toContain('see: hubsync failures');
    expect((await cli('status', '--check')).code).toBe(1);
  });

  it('replay keeps a record still refused open, and resolves it once the cause is fixed', async () => {
    const bad = await prisma().contact.findFirstOrThrow({
      where: { portalId: stack.portalId, lifecycleStage: 'not-a-stage' },
    });
    const dry = await cli('replay', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`contacts  ${bad.id}  1`);

    const still = await cli('replay');
    expect(still.code).toBe(1);
    expect(still.out).toContain('still refused 1');
    expect(still.err).toMatch(new RegExp(`^hubsync replay: HubSpot still refuses contacts ${bad.id}: `));
    // The refusal is recorded afresh and the older row is closed as superseded: one open failure per problem.
    const rows = await prisma().syncFailure.findMany({ where: { localId: bad.id } });
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.resolvedAt === null)).toHaveLength(1);

    await prisma().contact.update({ where: { id: bad.id }, data: { lifecycleStage: 'lead' } });
    const fixed = await cli('replay');
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(
      /^replaying 1 records: push:\d+:contacts \(1\)\nresolved 1 \(pushed 1, nothing left to send 0, row gone 0\); still refused 0\n$/,
    );
    expect(await prisma().syncFailure.count({ where: { localId: bad.id, resolvedAt: null } })).toBe(0);
    expect((await prisma().contact.findUniqueOrThrow({ where: { id: bad.id } })).hubspotId).not.toBeNull();

    expect((await cli('status', '--check')).code).toBe(0);
    expect((await cli('failures')).out).toBe(`no failures or conflicts for portal ${stack.portalId}\n`);
    expect((await cli('replay')).out).toBe(`nothing to replay for portal ${stack.portalId}\n`);
  });
});
