// Association changes applied out of order against real PostgreSQL: the newest change of a pair wins on
// whichever of its rows it was recorded. Found by the chaos run (seed 3 × 300): a contact-side event about an
// association removed since arrived late and stored a live type-0 row beside the archived typed one.
import { randomInt } from 'node:crypto';
import { applyAssociationChanges, archivePushedPairs, savePushedAssociations } from '../../src/store/associations';
import { createPrisma } from '../../src/store/prisma';
import { testDatabaseUrl } from '../support/env';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));

const T0 = Date.parse('2026-12-02T10:00:00Z');
const T1 = T0 + 1_000;
const T2 = T0 + 2_000;
// The company's side names the pair's stored direction (companies → contacts, type 280); the contact's
// side names the reverse, which lands on the pair's type-0 row.
const companySide = (removed: boolean, occurredAt: number) => ({
  associationType: 'COMPANY_TO_CONTACT',
  fromObjectId: 'c1',
  toObjectId: 'k',
  associationTypeId: 280,
  associationCategory: 'HUBSPOT_DEFINED',
  removed,
  occurredAt,
});
const contactSide = (removed: boolean, occurredAt: number) => ({
  associationType: 'CONTACT_TO_COMPANY',
  fromObjectId: 'k',
  toObjectId: 'c1',
  removed,
  occurredAt,
});
const liveRows = async (portalId: string) =>
  (await prisma.association.findMany({ where: { portalId, archived: false } })).map((r) => [
    r.fromId,
    r.toId,
    r.associationTypeId,
  ]);

describe('association changes out of order', () => {
  it('an addition older than the removal recorded on the typed row does not bring the pair back', async () => {
    const portalId = newPortal();
    await applyAssociationChanges(prisma, portalId, [companySide(false, T0)]);
    await applyAssociationChanges(prisma, portalId, [companySide(true, T2)]);
    await applyAssociationChanges(prisma, portalId, [contactSide(false, T1)]);
    expect(await liveRows(portalId)).toEqual([]);
  });

  it('an addition older than a pushed removal does not bring the pair back', async () => {
    const portalId = newPortal();
    const pushed = { fromType: 'companies', fromId: 'c1', toType: 'contacts', toId: 'k' };
    await savePushedAssociations(prisma, portalId, [
      { ...pushed, typeId: 280, category: 'HUBSPOT_DEFINED', label: null, archived: false, at: new Date(T0) },
    ]);
    await archivePushedPairs(prisma, portalId, [{ ...pushed, at: new Date(T2) }]);
    await applyAssociationChanges(prisma, portalId, [contactSide(false, T1)]);
    expect(await liveRows(portalId)).toEqual([]);
  });

  it('a typed addition older than an untyped removal of the pair does not bring it back', async () => {
    const portalId = newPortal();
    await applyAssociationChanges(prisma, portalId, [contactSide(false, T0)]);
    await applyAssociationChanges(prisma, portalId, [contactSide(true, T2)]);
    await applyAssociationChanges(prisma, portalId, [companySide(false, T1)]);
    expect(await liveRows(portalId)).toEqual([]);
  });

  it('an addition newer than the removal brings the pair back', async () => {
    const portalId = newPortal();
    await applyAssociationChanges(prisma, portalId, [companySide(false, T0)]);
    await applyAssociationChanges(prisma, portalId, [companySide(true, T1)]);
    await applyAssociationChanges(prisma, portalId, [contactSide(false, T2)]);
    expect(await liveRows(portalId)).toEqual([['c1', 'k', 0]]);
  });
});
