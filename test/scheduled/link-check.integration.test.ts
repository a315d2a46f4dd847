// Records that vanish from HubSpot without a webhook hubsync saw (found by the chaos run, seed 1): a merge whose
// survivor is then erased leaves nothing in any list, search or survivor's merged ids, so only reading the
// linked ids back finds them. No app here: no webhook reaches hubsync, the sync alone must notice.
import { startManualSync, type SyncStartConfig } from '../../src/scheduled/start-sync';
import { portalStatus } from '../../src/cli/status';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(120_000);

describe('the sync run checks that linked records still exist in HubSpot', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false, withProxy: true });
  });
  afterAll(async () => stack?.close());

  const create = async (n: string) =>
    (
      await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
        properties: { email: `${n}@links.example`, firstname: n },
      })
    ).id;
  const merge = (primaryObjectId: string, objectIdToMerge: string) =>
    stack.sim('POST', '/__sim/objects/contacts/merge', { primaryObjectId, objectIdToMerge });
  const erase = (id: string) => stack.sim('POST', `/__sim/objects/contacts/${id}/gdpr-delete`);
  const sync = async (linkCheckEveryMs: number) => {
    const config: SyncStartConfig = { ...stack.runtime.config, LINK_CHECK_INTERVAL_MS: linkCheckEveryMs };
    return (await startManualSync(stack.temporal, stack.portalId, config, ['contacts'])).result();
  };
  const live = async () =>
    (
      await stack.runtime.prisma.contact.findMany({
        where: { portalId: stack.portalId, archived: false },
        select: { hubspotId: true },
      })
    )
      .map((r) => r.hubspotId)
      .sort();
  // The link check reads linked ids back; the incremental sync batch-reads only what its search found (never a
  // record HubSpot no longer has), so reads naming such an id are the link check's.
  const linkChecks = (vanished: string) =>
    stack
      .proxy!.sent('POST', /\/crm\/v3\/objects\/contacts\/batch\/read$/)
      .filter((r) => (r.body as { inputs: Array<{ id: string }> }).inputs.some((i) => i.id === vanished)).length;

  it('archives rows whose record was merged into one later erased, or erased, after a load and once per interval', async () => {
    const [a, b, c, d, e] = [
      await create('a'),
      await create('b'),
      await create('c'),
      await create('d'),
      await create('e'),
    ];
    // A row from before the first load (a webhook's) whose record HubSpot has since lost: the load's own list
    // cannot show it, its link check after the load does.
    await stack.runtime.prisma.contact.create({
      data: { portalId: stack.portalId, hubspotId: '987654321', email: 'ghost@links.example' },
    });
    const loaded = await sync(0); // first run: backfill
    expect(loaded.backfilled).toEqual(['contacts']);
    expect(await live()).toEqual([a, b, c, d, e].sort());

    // a is merged into b, and b is erased: neither id exists anywhere in HubSpot any more. c is erased too.
    await merge(b, a);
    await erase(b);
    await erase(c);
    // The load checked just now, reading back only rows it did not list itself (the ghost, not a); within the
    // interval a run does not check again ...
    expect(linkChecks('987654321')).toBe(1);
    const reads = linkChecks(a);
    expect(reads).toBe(0);
    await sync(24 * 60 * 60 * 1000);
    expect(linkChecks(a)).toBe(reads);
    expect(await live()).toEqual([a, b, c, d, e].sort());
    // ... and the next due check finds all three.
    const checked = await sync(0);
    expect(checked.counts.contacts?.archived).toBe(3);
    expect(linkChecks(a)).toBe(reads + 1);
    expect(await live()).toEqual([d, e].sort());
  });

  const refusals = async () =>
    (await stack.runtime.metrics.registry.getSingleMetricAsString('hubsync_mass_archive_refused_total'))
      .split('\n')
      .filter((line) => line.startsWith('hubsync_mass_archive_refused_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

  it('archives nothing when batch/read answers 200 with records missing and no error naming them (incident)', async () => {
    const first = await create('incident-1');
    await create('incident-2');
    await sync(0);
    const before = await live();
    expect(before.length).toBeGreaterThanOrEqual(2);
    const reads = linkChecks(first);
    // One answer drops every record: the page fails retryably and its retry reads them all back.
    await stack.sim('POST', '/__sim/faults', {
      rules: [{ type: 'dropRecords', match: 'POST /crm/v3/objects/contacts/batch/read', times: 1 }],
    });
    const checked = await sync(0);
    expect(checked.counts.contacts?.archived).toBe(0);
    expect(await live()).toEqual(before);
    // The dropped answer and its retry, beside any read of the sync's own overlap window.
    expect(linkChecks(first)).toBeGreaterThanOrEqual(reads + 2);
  });

  it('mass-archive guard: a run that would archive more than the allowed share archives nothing and says so', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i += 1) ids.push(await create(`mass-${i}`));
    await sync(0);
    const before = await live();
    // 20 of the type's 25+ linked rows reported gone (OBJECT_NOT_FOUND): far above 10% and the floor of 10.
    for (const id of ids.slice(0, 20)) await erase(id);
    const refusedBefore = await refusals();
    const checked = await sync(0);
    expect(checked.counts.contacts?.archived).toBe(0);
    expect(checked.counts.contacts?.archiveRefused).toBe(20);
    expect(await live()).toEqual(before);
    expect(await refusals()).toBe(refusedBefore + 1);
    const failures = await stack.runtime.prisma.syncFailure.findMany({
      where: { portalId: stack.portalId, category: 'MASS_ARCHIVE_REFUSED', resolvedAt: null },
    });
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(/would archive 20 of \d+ linked contacts rows/);
    const status = await portalStatus(stack.runtime.prisma, stack.portalId);
    const contacts = status.types.find((t) => t.objectType === 'contacts')!;
    expect(contacts.archiveGuard?.message).toBe(failures[0]!.message);
    expect(contacts.unresolvedFailures).toBeGreaterThanOrEqual(1);
  });
});
