// An association change and a merge takeover (or a privacy erasure) of the same record committed by two
// concurrent transactions, against real PostgreSQL. Found by the chaos run (seed 3 × 300): a row stored on
// contact 100029 while its merge into 100033 was being applied stayed on the merge tombstone.
import { randomInt } from 'node:crypto';
import { applyAssociationChanges } from '../../src/store/associations';
import { eraseContact, takeOverMergedRecords, type Tx } from '../../src/store/inbound-lifecycle';
import { createPrisma } from '../../src/store/prisma';
import { testDatabaseUrl } from '../support/env';
import { waitFor } from '../support/wait';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));

/** `first` runs in a transaction left open until `second` has either finished or is waiting for a lock. */
async function overlap(first: (tx: Tx) => Promise<unknown>, second: (tx: Tx) => Promise<unknown>): Promise<void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let ranFirst!: () => void;
  const firstDone = new Promise<void>((resolve) => (ranFirst = resolve));
  const outer = prisma.$transaction(
    async (tx) => {
      await first(tx);
      ranFirst();
      await held;
    },
    { timeout: 30_000 },
  );
  await firstDone;
  let secondSettled = false;
  const inner = prisma.$transaction((tx) => second(tx), { timeout: 30_000 }).finally(() => (secondSettled = true));
  await waitFor('the second transaction to finish or wait for a lock', async () => {
    if (secondSettled) return true;
    const waiting = await prisma.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted`,
    );
    return (waiting[0]?.n ?? 0) > 0;
  });
  release();
  await Promise.all([outer, inner]);
}

describe('association changes racing a merge or an erasure', () => {
  const setUp = async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 's', email: 's@x.example' },
        { portalId, hubspotId: 'm', email: 'm@x.example' },
      ],
    });
    const at = new Date();
    const addition = { associationType: 'CONTACT_TO_COMPANY', fromObjectId: 'm', toObjectId: 'c1', removed: false };
    return {
      portalId,
      associate: (tx: Tx) => applyAssociationChanges(tx, portalId, [{ ...addition, occurredAt: at.getTime() - 1_000 }]),
      merge: (tx: Tx) =>
        takeOverMergedRecords(tx, {
          portalId,
          objectType: 'contacts',
          survivorId: 's',
          primaryId: 's',
          mergedIds: ['m'],
          at,
        }),
      erase: (tx: Tx) => eraseContact(tx, { portalId, hubspotId: 'm', at }),
      links: async () =>
        (await prisma.association.findMany({ where: { portalId } })).map((r) => [r.fromId, r.toId, r.archived]),
    };
  };

  it('a takeover committing after an association change it overlapped still moves that change to the survivor', async () => {
    const t = await setUp();
    await overlap(t.associate, t.merge);
    expect(await t.links()).toEqual([['c1', 's', false]]);
  });

  it('an association change overlapping a takeover that commits first lands on the survivor', async () => {
    const t = await setUp();
    await overlap(t.merge, t.associate);
    expect(await t.links()).toEqual([['c1', 's', false]]);
  });

  it('an erasure committing after an association change it overlapped still removes that change', async () => {
    const t = await setUp();
    await overlap(t.associate, t.erase);
    expect(await t.links()).toEqual([]);
  });
});
