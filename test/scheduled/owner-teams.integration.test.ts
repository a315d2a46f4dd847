// Owners come with their teams (HubSpot's owners API lists `teams: [{ id, name, primary }]` per owner): stored on
// the owner row, queryable by team, kept up to date by each sync run; archived owners are kept, marked, with
// theirs — including one archived before hubsync ever listed the owners.
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';

jest.setTimeout(180_000);

interface SimOwner {
  id: string;
  archived: boolean;
  teams: Array<{ id: string; name: string; primary: boolean }>;
}
interface OwnerRow {
  hubspot_id: string;
  archived: boolean;
  teams: SimOwner['teams'];
}

describe('owners and their teams', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false });
    await stack.sim('POST', '/__sim/seed', { owners: 4, associations: false });
  });
  afterAll(async () => stack?.close());

  const simOwners = async () =>
    (await stack.sim<{ owners: SimOwner[] }>('GET', '/__sim/state')).owners.sort((a, b) => a.id.localeCompare(b.id));
  const rows = () =>
    stack.runtime.prisma.$queryRawUnsafe<OwnerRow[]>(
      'SELECT hubspot_id, archived, teams FROM owners WHERE portal_id = $1 ORDER BY hubspot_id',
      stack.portalId,
    );
  const sync = async () =>
    (await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['owners'])).result();
  const asStored = (owners: SimOwner[]) =>
    owners.map((o) => ({ hubspot_id: o.id, archived: o.archived, teams: o.teams }));

  it('stores each owner’s teams, archived owners included, and follows changes on the next run', async () => {
    const seeded = await simOwners();
    expect(seeded.every((o) => o.teams.filter((t) => t.primary).length === 1)).toBe(true);
    expect(seeded.some((o) => o.teams.length > 1)).toBe(true);
    // A user deactivated before hubsync first listed the owners: only HubSpot's archived list names it.
    const early = seeded[3]!;
    await stack.sim('PATCH', `/__sim/owners/${early.id}`, { archived: true });
    // HubSpot's wire form, read through its API (not the simulator's state): what hubsync must store.
    const listed = await fetch(`${stack.runtime.config.HUBSPOT_BASE_URL}/crm/v3/owners?limit=10`, {
      headers: { authorization: `Bearer ${stack.runtime.config.HUBSPOT_ACCESS_TOKEN}` },
    }).then((r) => r.json() as Promise<{ results: Array<{ id: string; teams?: unknown }> }>);
    expect(listed.results.find((o) => o.id === seeded[0]!.id)?.teams).toEqual(seeded[0]!.teams);

    await sync();
    await sync(); // the backfill lists active owners, the next run's archived phase the archived ones
    expect(await rows()).toEqual(asStored(await simOwners()));
    expect((await rows()).find((r) => r.hubspot_id === early.id)).toMatchObject({ archived: true, teams: early.teams });

    // Queryable: owners of a team through the JSONB index, and one row per owner and team in owner_teams.
    const supportIds = seeded.filter((o) => o.teams.some((t) => t.id === '178590')).map((o) => o.id);
    expect(supportIds.length).toBeGreaterThan(0);
    const support = await stack.runtime.prisma.$queryRawUnsafe<Array<{ hubspot_id: string }>>(
      `SELECT hubspot_id FROM owners WHERE portal_id = $1 AND teams @> '[{"id": "178590"}]' ORDER BY hubspot_id`,
      stack.portalId,
    );
    expect(support.map((r) => r.hubspot_id)).toEqual(supportIds);
    const view = await stack.runtime.prisma.$queryRawUnsafe<
      Array<{ owner_hubspot_id: string; team_id: string; team_name: string; is_primary: boolean }>
    >(
      `SELECT owner_hubspot_id, team_id, team_name, is_primary FROM owner_teams WHERE portal_id = $1
        ORDER BY owner_hubspot_id, team_id`,
      stack.portalId,
    );
    expect(view).toEqual(
      seeded
        .flatMap((o) =>
          o.teams.map((t) => ({ owner_hubspot_id: o.id, team_id: t.id, team_name: t.name, is_primary: t.primary })),
        )
        .sort((a, b) => a.owner_hubspot_id.localeCompare(b.owner_hubspot_id) || a.team_id.localeCompare(b.team_id)),
    );

    // Teams change and an owner is deactivated: the next run follows both, and the archived owner stays.
    const [first, second] = seeded;
    await stack.sim('PATCH', `/__sim/owners/${second!.id}`, {
      teams: [
        { id: '178591', name: 'Enterprise', primary: true },
        { id: '178590', name: 'Support', primary: false },
      ],
    });
    await stack.sim('PATCH', `/__sim/owners/${first!.id}`, { archived: true });
    await sync();
    const after = await rows();
    expect(after).toEqual(asStored(await simOwners()));
    expect(after.find((r) => r.hubspot_id === second!.id)?.teams.map((t) => [t.id, t.primary])).toEqual([
      ['178591', true],
      ['178590', false],
    ]);
    expect(after.find((r) => r.hubspot_id === first!.id)).toMatchObject({ archived: true, teams: first!.teams });
  });
});
