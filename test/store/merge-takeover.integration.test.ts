// Merge takeovers found wrong by the chaos run (seed 3, 3000 ops; seed 1, 300 ops): store and inbound apply
// against real PostgreSQL.
import { randomInt } from 'node:crypto';
import { createInboundActivities } from '../../activities/inbound/apply';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { applyAssociationChanges } from '../../src/store/associations';
import { applyInboundRecords } from '../../src/store/hubspot-records';
import { eraseContact, takeOverMergedRecords } from '../../src/store/inbound-lifecycle';
import { createPrisma } from '../../src/store/prisma';
import { DEFAULT_MAPPING } from '../../src/sync';
import { testDatabaseUrl } from '../support/env';
import { waitFor } from '../support/wait';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));
const row = (portalId: string, hubspotId: string) =>
  prisma.contact.findUnique({ where: { portalId_hubspotId: { portalId, hubspotId } } });
const inbound = createInboundActivities({
  prisma,
  mapping: DEFAULT_MAPPING,
  metrics: createMetrics(),
  logger: createLogger('silent'),
});
/** m as HubSpot showed it just before it was merged into s. */
const readBeforeMerge = (at: number) => ({
  id: 'm',
  properties: { email: 'm@x.example', firstname: 'M', lastmodifieddate: new Date(at).toISOString() },
  updatedAt: at,
  archived: false,
});

describe('merge takeover', () => {
  it("an association event about a merged-away id that arrives after the merge lands on the survivor's row", async () => {
    const portalId = newPortal();
    const at = new Date();
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 's', email: 's@x.example' },
        { portalId, hubspotId: 'm', email: 'm@x.example' },
      ],
    });
    // m merged into s, then s (as t's merged id) into t: a late event about m belongs to t.
    for (const [survivorId, mergedId] of [
      ['s', 'm'],
      ['t', 's'],
    ] as const) {
      await prisma.$transaction((tx) =>
        takeOverMergedRecords(tx, {
          portalId,
          objectType: 'contacts',
          survivorId,
          primaryId: survivorId,
          mergedIds: [mergedId],
          at,
        }),
      );
    }
    const late = { associationType: 'CONTACT_TO_COMPANY', fromObjectId: 'm', toObjectId: 'c1', removed: false };
    await applyAssociationChanges(prisma, portalId, [{ ...late, occurredAt: at.getTime() - 1_000 }]);
    const rows = await prisma.association.findMany({ where: { portalId } });
    expect(rows.map((r) => [r.fromType, r.fromId, r.toType, r.toId, r.archived])).toEqual([
      ['companies', 'c1', 'contacts', 't', false],
    ]);
  });

  it('an association event about a contact erased for privacy, arriving after the erasure, is not stored', async () => {
    const portalId = newPortal();
    const at = new Date();
    await prisma.contact.create({ data: { portalId, hubspotId: 'e', email: 'e@x.example' } });
    await prisma.$transaction((tx) => eraseContact(tx, { portalId, hubspotId: 'e', at }));
    // The company's side of the link, delivered late.
    const late = { associationType: 'COMPANY_TO_CONTACT', fromObjectId: 'c1', toObjectId: 'e', removed: false };
    await applyAssociationChanges(prisma, portalId, [{ ...late, occurredAt: at.getTime() - 1_000 }]);
    expect(await prisma.association.count({ where: { portalId } })).toBe(0);
  });

  it('an association event about a merged-away contact whose survivor was erased since is not stored', async () => {
    // Chaos seed 1 × 300: m merged into s after s's erasure was applied; the company's event about m came last.
    const portalId = newPortal();
    const at = new Date();
    await prisma.$transaction((tx) => eraseContact(tx, { portalId, hubspotId: 's', at }));
    await prisma.$transaction((tx) =>
      takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 's',
        primaryId: 's',
        mergedIds: ['m'],
        at,
      }),
    );
    const late = { associationType: 'COMPANY_TO_CONTACT', fromObjectId: 'c1', toObjectId: 'm', removed: false };
    await applyAssociationChanges(prisma, portalId, [{ ...late, occurredAt: at.getTime() - 1_000 }]);
    expect(await prisma.association.count({ where: { portalId } })).toBe(0);
  });

  // Chaos seed 1 × 300, after a minute-long stall of the webhook path everything applied at once, out of order:
  // a merge whose survivor had been merged away since, and one whose survivor had been erased since.
  it("a takeover into a survivor merged away since lands on that survivor's own survivor", async () => {
    const portalId = newPortal();
    const at = new Date();
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 's', email: 's@x.example' },
        { portalId, hubspotId: 'm', email: 'm@x.example' },
      ],
    });
    const takeOver = (survivorId: string, mergedId: string) =>
      prisma.$transaction((tx) =>
        takeOverMergedRecords(tx, {
          portalId,
          objectType: 'contacts',
          survivorId,
          primaryId: null,
          mergedIds: [mergedId],
          at,
        }),
      );
    await takeOver('t', 's'); // s merged into t, applied first
    await takeOver('s', 'm'); // m merged into s earlier, applied late
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 't' });
    expect(await row(portalId, 't')).toMatchObject({ archived: false, email: 's@x.example' });
  });

  it('the associations of a record merged into a survivor erased since are removed, not moved onto it', async () => {
    const portalId = newPortal();
    const at = new Date();
    await prisma.contact.create({ data: { portalId, hubspotId: 'm', email: 'm@x.example' } });
    const link = { associationType: 'COMPANY_TO_CONTACT', fromObjectId: 'c1', toObjectId: 'm', removed: false };
    await applyAssociationChanges(prisma, portalId, [{ ...link, occurredAt: at.getTime() - 1_000 }]);
    await prisma.$transaction((tx) => eraseContact(tx, { portalId, hubspotId: 's', at }));
    await prisma.$transaction((tx) =>
      takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 's',
        primaryId: 's',
        mergedIds: ['m'],
        at,
      }),
    );
    expect(await prisma.association.count({ where: { portalId, archived: false } })).toBe(0);
  });

  it('a survivor without a row never adopts a merge tombstone (it would point at itself)', async () => {
    const portalId = newPortal();
    const at = new Date();
    // A late event of b (merged into a) left b's tombstone before a's own merge apply.
    await prisma.$transaction((tx) =>
      takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 'a',
        primaryId: 'a',
        mergedIds: ['b'],
        at,
      }),
    );
    await prisma.$transaction((tx) =>
      takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 'a',
        primaryId: 'a',
        mergedIds: ['b'],
        at,
      }),
    );
    expect(await row(portalId, 'a')).toBeNull();
    expect(await row(portalId, 'b')).toMatchObject({ archived: true, mergedIntoId: 'a' });
  });

  it('a survivor erased in the same drain as its merge still takes the merged rows down', async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 's', email: 's@x.example' },
        { portalId, hubspotId: 'm', email: 'm@x.example' },
      ],
    });
    const now = Date.now();
    await inbound.applyInboundPlan({
      portalId,
      objectType: 'contacts',
      objectId: 's',
      plan: {
        needsFullFetch: false,
        properties: {},
        lifecycle: 'privacyDeleted',
        associations: [],
        merge: { primaryObjectId: 's', newObjectId: 's', mergedObjectIds: ['m'] },
      },
      record: null,
      keys: [{ key: `merge-${portalId}`, occurredAt: now }],
    });
    expect(await row(portalId, 's')).toMatchObject({ archived: true, email: null });
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's' });
  });

  // Seed 1, 300 ops: the survivor was GDPR-deleted soon after the merge. The erasure removes the survivor and with
  // it hs_merged_object_ids, the sync's only other trace of the merge, so the merge event is the last chance.
  it('a merge delivered after its survivor was erased still takes the merged row down', async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 's', email: 's@x.example' },
        { portalId, hubspotId: 'm', email: 'm@x.example' },
      ],
    });
    const now = Date.now();
    const apply = (plan: Parameters<typeof inbound.applyInboundPlan>[0]['plan'], key: string) =>
      inbound.applyInboundPlan({
        portalId,
        objectType: 'contacts',
        objectId: 's',
        plan,
        record: null,
        keys: [{ key: `${key}-${portalId}`, occurredAt: now }],
      });
    await apply({ needsFullFetch: false, properties: {}, lifecycle: 'privacyDeleted', associations: [] }, 'erasure');
    expect(await row(portalId, 'm')).toMatchObject({ archived: false });

    // A fresh workflow run knows nothing of the erasure: it asked for the record (gone) and plans the merge.
    const late = await apply(
      {
        needsFullFetch: true,
        properties: {},
        lifecycle: undefined,
        associations: [],
        merge: { primaryObjectId: 's', newObjectId: 's', mergedObjectIds: ['m'] },
      },
      'merge',
    );
    expect(late.applied).toBe(true);
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's' });
    expect(await row(portalId, 's')).toMatchObject({ archived: true, email: null });
  });

  it('a merge applied after its survivor was merged away hands the merged row on to where that survivor went', async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({
      data: ['m', 's1', 's2'].map((hubspotId) => ({ portalId, hubspotId, email: `${hubspotId}@x.example` })),
    });
    const now = Date.now();
    // s1 into s2 was applied first; s1's own merge (m into s1) comes late, and s2 may be erased by then.
    await prisma.$transaction((tx) =>
      takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 's2',
        primaryId: 's2',
        mergedIds: ['s1'],
        at: new Date(now),
      }),
    );
    const late = await inbound.applyInboundPlan({
      portalId,
      objectType: 'contacts',
      objectId: 's1',
      plan: {
        needsFullFetch: true,
        properties: {},
        lifecycle: undefined,
        associations: [],
        merge: { primaryObjectId: 's1', newObjectId: 's1', mergedObjectIds: ['m'] },
      },
      record: null,
      keys: [{ key: `merge-${portalId}`, occurredAt: now - 1_000 }],
    });
    expect(late.applied).toBe(true);
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's2' });
  });

  it('a merge whose survivor HubSpot now reads as another record takes the merged row along', async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({
      data: ['m', 's1', 's2'].map((hubspotId) => ({ portalId, hubspotId, email: `${hubspotId}@x.example` })),
    });
    const now = Date.now();
    await inbound.applyInboundPlan({
      portalId,
      objectType: 'contacts',
      objectId: 's1',
      plan: {
        needsFullFetch: true,
        properties: {},
        lifecycle: undefined,
        associations: [],
        merge: { primaryObjectId: 's1', newObjectId: 's1', mergedObjectIds: ['m'] },
      },
      record: {
        id: 's2',
        properties: { email: 's2@x.example', lastmodifieddate: new Date(now).toISOString() },
        updatedAt: now,
        archived: false,
      },
      keys: [{ key: `merge-${portalId}`, occurredAt: now - 1_000 }],
    });
    expect(await row(portalId, 's1')).toMatchObject({ archived: true, mergedIntoId: 's2' });
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's2' });
  });

  it('a record read before its merge never revives the merged-away row', async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({
      data: [
        { portalId, hubspotId: 's', email: 's@x.example' },
        { portalId, hubspotId: 'm', email: 'm@x.example' },
      ],
    });
    const at = Date.now();
    await prisma.$transaction((tx) =>
      takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 's',
        primaryId: 's',
        mergedIds: ['m'],
        at: new Date(at),
      }),
    );
    // A sync page (or a push's read) fetched before the merge, written after the merge webhook's apply.
    const stale = readBeforeMerge(at - 1_000);
    const result = await applyInboundRecords(
      prisma,
      { portalId, objectType: 'contacts', mapping: DEFAULT_MAPPING, mode: 'full' },
      [{ hubspotId: 'm', properties: stale.properties, archived: false, changedAt: stale.updatedAt }],
    );
    expect(result).toMatchObject({ inserted: 0, updated: 0, stale: 1 });
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's', firstName: null });
  });

  it('a creation apply racing the merge apply of its survivor leaves the merged-away id a tombstone', async () => {
    const portalId = newPortal();
    const at = Date.now();
    let tombstoned!: () => void;
    let commit!: () => void;
    const tombstone = new Promise<void>((resolve) => (tombstoned = resolve));
    const committing = new Promise<void>((resolve) => (commit = resolve));
    // The survivor's merge apply: m, never seen locally, gets its tombstone; the transaction stays open.
    const merge = prisma.$transaction(async (tx) => {
      await takeOverMergedRecords(tx, {
        portalId,
        objectType: 'contacts',
        survivorId: 's',
        primaryId: 's',
        mergedIds: ['m'],
        at: new Date(at),
      });
      tombstoned();
      await committing;
    });
    await tombstone;
    // m's creation apply, with the record fetched before the merge: its merged-into check sees nothing yet, and
    // its insert waits on the tombstone's key until the merge commits.
    const creation = inbound.applyInboundPlan({
      portalId,
      objectType: 'contacts',
      objectId: 'm',
      plan: { needsFullFetch: true, properties: {}, lifecycle: 'active', associations: [] },
      record: readBeforeMerge(at - 1_000),
      keys: [{ key: `creation-${portalId}`, occurredAt: at - 1_000 }],
    });
    await waitFor('the creation apply waiting on the tombstone', async () => {
      const [waiting] = await prisma.$queryRaw<
        Array<{ n: number }>
      >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
      return waiting && waiting.n > 0 ? true : undefined;
    });
    commit();
    await merge;
    await creation;
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's', email: null });
  });
});
