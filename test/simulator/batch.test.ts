import type { RunningSimulator } from '../../src/simulator';
import { admin, call, start } from './helpers';

describe('simulator: batch endpoints, merge, GDPR delete, associations', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset', {});
  });

  it('batch read answers 207 with OBJECT_NOT_FOUND for unknown ids and rejects more than 100 inputs', async () => {
    const created = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'a@x.com' } }, { properties: { email: 'b@x.com' } }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'COMPLETE',
      startedAt: expect.any(String),
      completedAt: expect.any(String),
    });
    const ids = created.body.results.map((r: { id: string }) => r.id);
    const read = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [...ids.map((id: string) => ({ id })), { id: '999' }],
      properties: ['email'],
    });
    expect(read.status).toBe(207);
    expect(read.body.results).toHaveLength(2);
    expect(read.body).toMatchObject({
      numErrors: 1,
      errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['999'] } }],
    });
    const byEmail = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      idProperty: 'email',
      inputs: [{ id: 'b@x.com' }],
      properties: ['email'],
    });
    expect(byEmail.status).toBe(200);
    expect(byEmail.body.results[0].id).toBe(ids[1]);
    const tooMany = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })),
    });
    expect(tooMany.status).toBe(400);
    const dupEmail = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'A@x.com' } }],
    });
    expect(dupEmail.status).toBe(409);
    expect(dupEmail.body.message).toBe(`Contact already exists. Existing ID: ${ids[0]}`);
  });

  it('batch update rejects duplicate ids and reports unknown ones as 207', async () => {
    const c = (
      await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Acme', domain: 'acme.com' } })
    ).body;
    const dup = await call(sim, 'POST', '/crm/v3/objects/companies/batch/update', {
      inputs: [
        { id: c.id, properties: { name: 'A' } },
        { id: c.id, properties: { name: 'B' } },
      ],
    });
    expect(dup.status).toBe(400);
    const partial = await call(sim, 'POST', '/crm/v3/objects/companies/batch/update', {
      inputs: [
        { id: c.id, properties: { name: 'Acme Inc' } },
        { id: '424242424', properties: { name: 'x' } },
      ],
    });
    expect(partial.status).toBe(207);
    expect(partial.body.results[0].properties.name).toBe('Acme Inc');
    expect(partial.body.errors[0].context.ids).toEqual(['424242424']);
  });

  it('batch upsert by email flags new records, rejects duplicates, fails whole batch on a bad input', async () => {
    await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'old@x.com', firstname: 'Old' } });
    const res = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'old@x.com', idProperty: 'email', properties: { firstname: 'Updated' } },
        { id: 'new@x.com', idProperty: 'email', properties: { firstname: 'New' } },
      ],
    });
    expect(res.status).toBe(200);
    const byEmail = Object.fromEntries(
      res.body.results.map((r: { properties: { email: string }; new: boolean }) => [r.properties.email, r.new]),
    );
    expect(byEmail).toEqual({ 'old@x.com': false, 'new@x.com': true });
    const dup = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'z@x.com', idProperty: 'email', properties: {} },
        { id: 'Z@x.com', idProperty: 'email', properties: {} },
      ],
    });
    expect(dup.status).toBe(400);
    const bad = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [
        { id: 'ok@x.com', idProperty: 'email', properties: {} },
        { id: 'bad@x.com', idProperty: 'email', properties: { lifecyclestage: 'nope' } },
      ],
    });
    expect(bad.status).toBe(400);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts/ok@x.com?idProperty=email')).status).toBe(404);
    const notUnique = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'Ada', idProperty: 'firstname', properties: {} }],
    });
    expect(notUnique.status).toBe(400);
  });

  it('merges, restores, GDPR-deletes and associates through the API', async () => {
    const a = (
      await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'a@m.com', firstname: 'A' } })
    ).body;
    const b = (await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'b@m.com', phone: '123' } }))
      .body;
    const co = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Co' } })).body;
    const assoc = await call(sim, 'POST', '/crm/v4/associations/contacts/companies/batch/create', {
      inputs: [
        {
          from: { id: b.id },
          to: { id: co.id },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
        },
      ],
    });
    expect(assoc.status).toBe(201);
    const merged = await call(sim, 'POST', '/crm/v3/objects/contacts/merge', {
      primaryObjectId: a.id,
      objectIdToMerge: b.id,
    });
    expect(merged.status).toBe(200);
    const newId = merged.body.id as string;
    expect([a.id, b.id]).not.toContain(newId);
    const survivor = await call(
      sim,
      'GET',
      `/crm/v3/objects/contacts/${b.id}?properties=phone,hs_merged_object_ids,firstname&associations=companies`,
    );
    expect(survivor.body.id).toBe(newId);
    expect(survivor.body.properties).toMatchObject({ phone: '123', firstname: 'A' });
    expect(survivor.body.properties.hs_merged_object_ids.split(';').sort()).toEqual([a.id, b.id].sort());
    expect(survivor.body.associations.companies.results.map((r: { id: string }) => r.id)).toContain(co.id);
    const read = await call(sim, 'POST', '/crm/v4/associations/companies/contacts/batch/read', {
      inputs: [{ id: co.id }],
    });
    expect(read.body.results[0].to.map((t: { toObjectId: number }) => String(t.toObjectId)).sort()).toEqual([newId]);

    await call(sim, 'DELETE', `/crm/v3/objects/contacts/${a.id}`);
    await admin(sim, 'POST', `/objects/contacts/${a.id}/restore`, {});
    expect((await call(sim, 'GET', `/crm/v3/objects/contacts/${a.id}`)).status).toBe(200);

    expect(
      (await call(sim, 'POST', '/crm/v3/objects/contacts/gdpr-delete', { objectId: 'a@m.com', idProperty: 'email' }))
        .status,
    ).toBe(204);
    expect((await call(sim, 'GET', `/crm/v3/objects/contacts/${a.id}?archived=true`)).status).toBe(404);
    expect((await admin(sim, 'GET', '/state?types=contacts')).body.objects.contacts).toHaveLength(0);
    const archive = await call(sim, 'POST', '/crm/v4/associations/contacts/companies/batch/archive', {
      inputs: [{ from: { id: '1' }, to: [{ id: co.id }] }],
    });
    expect(archive.status).toBe(204);
  });
});
