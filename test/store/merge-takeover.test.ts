// Merge takeovers found wrong by the chaos run (seed 3, 3000 ops): store and inbound apply against real PostgreSQL.
import { randomInt } from 'node:crypto';
import { createInboundActivities } from '../../activities/inbound';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { takeOverMergedRecords } from '../../src/store/inbound-lifecycle';
import { createPrisma } from '../../src/store/prisma';
import { DEFAULT_MAPPING } from '../../src/sync';
import { testDatabaseUrl } from '../support/env';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));
const row = (portalId: string, hubspotId: string) => prisma.contact.findUnique({ where: { portalId_hubspotId: { portalId, hubspotId } } });

describe('merge takeover', () => {
  it('a survivor without a row never adopts a merge tombstone (it would point at itself)', async () => {
    const portalId = newPortal();
    const at = new Date();
    // A late event of b (merged into a) left b's tombstone before a's own merge apply.
    await prisma.$transaction((tx) => takeOverMergedRecords(tx, { portalId, objectType: 'contacts', survivorId: 'a', primaryId: 'a', mergedIds: ['b'], at }));
    await prisma.$transaction((tx) => takeOverMergedRecords(tx, { portalId, objectType: 'contacts', survivorId: 'a', primaryId: 'a', mergedIds: ['b'], at }));
    expect(await row(portalId, 'a')).toBeNull();
    expect(await row(portalId, 'b')).toMatchObject({ archived: true, mergedIntoId: 'a' });
  });

  it('a survivor erased in the same drain as its merge still takes the merged rows down', async () => {
    const portalId = newPortal();
    await prisma.contact.createMany({ data: [{ portalId, hubspotId: 's', email: 's@x.example' }, { portalId, hubspotId: 'm', email: 'm@x.example' }] });
    const inbound = createInboundActivities({ prisma, mapping: DEFAULT_MAPPING, metrics: createMetrics(), logger: createLogger('silent') });
    const now = Date.now();
    await inbound.applyInboundPlan({
      portalId,
      objectType: 'contacts',
      objectId: 's',
      plan: { needsFullFetch: false, properties: {}, lifecycle: 'privacyDeleted', associations: [], merge: { primaryObjectId: 's', newObjectId: 's', mergedObjectIds: ['m'] } },
      record: null,
      keys: [{ key: `merge-${portalId}`, occurredAt: now }],
    });
    expect(await row(portalId, 's')).toMatchObject({ archived: true, email: null });
    expect(await row(portalId, 'm')).toMatchObject({ archived: true, mergedIntoId: 's' });
  });
});
