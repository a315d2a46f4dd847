// A privacy deletion leaves no personal data behind on the rows HubSpot merged into the erased contact, whichever
// of the merge and the erasure is applied first (store against real PostgreSQL). HubSpot's permanent delete
// removes the contact's personal data and record ("the contact's personal data will be deleted",
// https://knowledge.hubspot.com/privacy-and-consent/how-do-i-perform-a-gdpr-delete-in-hubspot; "delete the contact
// record and any associations", https://developers.hubspot.com/changelog/gdpr-deletion); a merged-away contact is
// part of its survivor's record, so erasing the survivor erases it too.
import { randomInt } from 'node:crypto';
import { eraseContact, takeOverMergedRecords } from '../../src/store/inbound-lifecycle';
import { parkEvents } from '../../src/store/parked-events';
import { createPrisma } from '../../src/store/prisma';
import { testDatabaseUrl } from '../support/env';

const prisma = createPrisma(testDatabaseUrl());
afterAll(() => prisma.$disconnect());
const newPortal = () => String(randomInt(3_000_000, 2_000_000_000));
const personal = (hubspotId: string) => ({
  hubspotId,
  email: `${hubspotId}@x.example`,
  firstName: 'Mia',
  lastName: 'Merged',
  phone: '+44 20 7946 0000',
  jobTitle: 'Engineer',
  properties: { city: 'Leeds' },
});
const cleared = { email: null, firstName: null, lastName: null, phone: null, jobTitle: null, properties: {} };
const seed = (portalId: string, ...hubspotIds: string[]) =>
  prisma.contact.createMany({ data: hubspotIds.map((id) => ({ portalId, ...personal(id) })) });
const rowOf = (portalId: string, hubspotId: string) =>
  prisma.contact.findUnique({ where: { portalId_hubspotId: { portalId, hubspotId } } });
const merge = (portalId: string, survivorId: string, mergedIds: string[]) =>
  prisma.$transaction((tx) =>
    takeOverMergedRecords(tx, {
      portalId,
      objectType: 'contacts',
      survivorId,
      primaryId: survivorId,
      mergedIds,
      at: new Date(),
    }),
  );
const erase = (portalId: string, hubspotId: string) =>
  prisma.$transaction((tx) => eraseContact(tx, { portalId, hubspotId, at: new Date() }));

describe('merge into an erased contact', () => {
  it("a merge applied after its survivor's erasure clears the merged-away rows' personal data", async () => {
    const portalId = newPortal();
    await seed(portalId, 's', 'm');
    await erase(portalId, 's');
    await merge(portalId, 's', ['m']);
    expect(await rowOf(portalId, 'm')).toMatchObject({ ...cleared, archived: true, mergedIntoId: 's' });
  });

  it('an erasure applied after the merge clears the rows merged into the erased contact', async () => {
    const portalId = newPortal();
    await seed(portalId, 's', 'm', 'other');
    await merge(portalId, 's', ['m']);
    await erase(portalId, 's');
    expect(await rowOf(portalId, 'm')).toMatchObject({ ...cleared, archived: true, mergedIntoId: 's' });
    expect(await rowOf(portalId, 'other')).toMatchObject({ email: 'other@x.example', archived: false });
  });

  it('an erased survivor with no row of its own adopts the merged row as its erased tombstone', async () => {
    const portalId = newPortal();
    const original = await prisma.contact.create({ data: { portalId, ...personal('m') } });
    await erase(portalId, 's');
    await merge(portalId, 's', ['m']);
    // The platform's reference to the row stays valid: it is now the erased survivor's tombstone.
    expect(await rowOf(portalId, 's')).toMatchObject({ ...cleared, id: original.id, archived: true });
    expect(await rowOf(portalId, 'm')).toMatchObject({ ...cleared, archived: true, mergedIntoId: 's' });
  });
  it('an erasure clears the rows merged into it through an earlier merge', async () => {
    const portalId = newPortal();
    await seed(portalId, 's2', 's1', 'm');
    await merge(portalId, 's1', ['m']);
    await merge(portalId, 's2', ['s1']);
    await erase(portalId, 's2');
    expect(await rowOf(portalId, 's1')).toMatchObject({ ...cleared, archived: true, mergedIntoId: 's2' });
    expect(await rowOf(portalId, 'm')).toMatchObject({ ...cleared, archived: true, mergedIntoId: 's1' });
  });
  it('an erasure deletes the parked webhook events of the erased contact and of the contacts merged into it', async () => {
    const portalId = newPortal();
    await seed(portalId, 's', 'm', 'other');
    await merge(portalId, 's', ['m']);
    for (const objectId of ['s', 'm', 'other'])
      await parkEvents(prisma, {
        parkKey: `${portalId}-${objectId}`,
        portalId,
        objectType: 'contacts',
        objectId,
        events: [],
        lastError: 'HubSpot answered 503',
      });
    await erase(portalId, 's');
    const left = await prisma.inboundParkedEvent.findMany({ where: { portalId }, select: { objectId: true } });
    expect(left).toEqual([{ objectId: 'other' }]);
  });
});
