import type { RunningSimulator } from '../../src/simulator';
import { admin, call, start } from './helpers';

// A restorable delete unassociates the record while it is deleted; its restore brings the associations back
// (knowledge.hubspot.com/privacy-and-consent/understand-restorable-and-permanent-contact-deletions).
describe('simulator: associations of a deleted (restorable) record', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset', {});
  });

  const contactIdsOf = async (company: string): Promise<string[]> => {
    const read = await call(sim, 'POST', '/crm/v4/associations/companies/contacts/batch/read', {
      inputs: [{ id: company }],
    });
    return (read.body.results[0]?.to ?? []).map((t: { toObjectId: number }) => String(t.toObjectId)).sort();
  };
  const contactsOnRecord = async (company: string): Promise<string[]> => {
    const read = await call(sim, 'GET', `/crm/v3/objects/companies/${company}?associations=contacts`);
    return (read.body.associations?.contacts?.results ?? []).map((r: { id: string }) => r.id).sort();
  };

  it('lists them from neither end while the record is deleted, and again once it is restored', async () => {
    const company = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Co' } })).body.id;
    const contact = async (email: string) =>
      (
        await call(sim, 'POST', '/crm/v3/objects/contacts', {
          properties: { email },
          associations: [
            { to: { id: company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 279 }] },
          ],
        })
      ).body.id as string;
    const kept = await contact('kept@x.com');
    const deleted = await contact('deleted@x.com');
    expect(await contactIdsOf(company)).toEqual([kept, deleted].sort());

    expect((await call(sim, 'DELETE', `/crm/v3/objects/contacts/${deleted}`)).status).toBe(204);
    expect(await contactIdsOf(company)).toEqual([kept]);
    expect(await contactsOnRecord(company)).toEqual([kept]);
    const fromDeleted = await call(sim, 'POST', '/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [{ id: deleted }],
    });
    expect(fromDeleted.body.results).toEqual([]);

    await admin(sim, 'POST', `/objects/contacts/${deleted}/restore`, {});
    expect(await contactIdsOf(company)).toEqual([kept, deleted].sort());
    expect(await contactsOnRecord(company)).toEqual([kept, deleted].sort());
  });
});
