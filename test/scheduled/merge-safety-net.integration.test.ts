// Merges whose webhooks never arrived (found by the chaos run, seed 1): merged-away records vanish from
// HubSpot's lists and archived list, so only the survivor's hs_merged_object_ids tells the sync. No app
// here: no webhook reaches hubsync, the incremental sync alone must take the merged rows over.
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(120_000);

interface Row {
  id: string;
  hubspotId: string | null;
  archived: boolean;
  mergedIntoId: string | null;
  email: string | null;
}

describe('incremental sync takes over merges it learns of from the survivor', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false, env: { SYNC_WINDOW_OVERLAP_MS: '60000' } });
  });
  afterAll(async () => stack?.close());

  const create = async (n: string) =>
    (
      await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
        properties: { email: `${n}@merge.example`, firstname: n },
      })
    ).id;
  /** HubSpot mints a new record per merge; returns its id. */
  const merge = async (primaryObjectId: string, objectIdToMerge: string) =>
    (await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts/merge', { primaryObjectId, objectIdToMerge })).id;
  const sync = async () =>
    (await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts'])).result();
  const rows = async (): Promise<Map<string, Row>> => {
    const all = await stack.runtime.prisma.contact.findMany({
      where: { portalId: stack.portalId },
      select: { id: true, hubspotId: true, archived: true, mergedIntoId: true, email: true },
    });
    return new Map(all.map((r) => [r.hubspotId ?? r.id, r]));
  };

  it('archives chained merged-away rows with the final survivor, and a new survivor adopts a merged row', async () => {
    const [a, b, c, d] = [await create('a'), await create('b'), await create('c'), await create('d')];
    await sync(); // first run: backfill
    const before = await rows();
    expect([a, b, c, d].every((id) => before.get(id)?.archived === false)).toBe(true);

    // a and b into ab, then c and ab into abc (it lists a, b, ab and c); e, which hubsync has never seen, and d
    // into de (it lists d and e). No event names a primary: the survivor adopts the oldest of the rows it absorbed
    // (the backfill wrote them together: the lowest HubSpot id).
    const ab = await merge(a, b);
    const abc = await merge(c, ab);
    const e = await create('e');
    const de = await merge(e, d);
    await sync();

    const after = await rows();
    // One live row per surviving record, carrying its values (c was the final primary, so c's email).
    expect(after.get(abc)).toMatchObject({
      id: before.get(a)!.id,
      archived: false,
      mergedIntoId: null,
      email: 'c@merge.example',
    });
    for (const id of [a, b, c]) expect(after.get(id)).toMatchObject({ archived: true, mergedIntoId: abc });
    expect(after.get(c)!.id).toBe(before.get(c)!.id);
    // The platform's row for d lives on as de's (same local id); d stays as a merged tombstone.
    expect(after.get(de)).toMatchObject({
      id: before.get(d)!.id,
      archived: false,
      mergedIntoId: null,
      email: 'e@merge.example',
    });
    expect(after.get(d)).toMatchObject({ archived: true, mergedIntoId: de });
    expect(
      [...after.values()]
        .filter((r) => !r.archived)
        .map((r) => r.hubspotId)
        .sort(),
    ).toEqual([abc, de].sort());

    // Nothing left to take over: a further run changes no merged row.
    await sync();
    expect(await rows()).toEqual(after);
  });
});
