import type { RunningSimulator } from '../../src/simulator';
import { admin, call, start } from './helpers';

// Writes as HubSpot's CRM docs describe them: what clears a value, what is refused, and how batches report
// partial failures.
describe('simulator: clearing, refusals and multi-status batches', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset', {});
  });

  const stored = async (type: string, id: string) =>
    (await admin(sim, 'GET', `/objects/${type}/${id}`)).body.properties as Record<string, string | undefined>;
  const contact = async (props: Record<string, string>) =>
    (await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: props })).body.id as string;

  it('clears a property sent as "" and leaves one sent as null unchanged (single PATCH and create)', async () => {
    const created = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'c@x.com', firstname: 'Ann', lastname: null, phone: '1' },
    });
    expect(created.status).toBe(201);
    expect(await stored('contacts', created.body.id)).not.toHaveProperty('lastname');
    const patched = await call(sim, 'PATCH', `/crm/v3/objects/contacts/${created.body.id}`, {
      properties: { firstname: null, phone: '' },
    });
    expect(patched.status).toBe(200);
    const after = await stored('contacts', created.body.id);
    expect(after.firstname).toBe('Ann');
    expect(after).not.toHaveProperty('phone');
  });

  it('treats "" and null the same way in batch update and batch upsert', async () => {
    const a = await contact({ email: 'a@x.com', firstname: 'A', phone: '1' });
    const b = await contact({ email: 'b@x.com', firstname: 'B', phone: '2' });
    const update = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: a, properties: { firstname: null, phone: '' } },
        { id: b, properties: { firstname: '', phone: null } },
      ],
    });
    expect(update.status).toBe(200);
    expect(await stored('contacts', a)).toMatchObject({ firstname: 'A' });
    expect(await stored('contacts', a)).not.toHaveProperty('phone');
    expect(await stored('contacts', b)).toMatchObject({ phone: '2' });
    expect(await stored('contacts', b)).not.toHaveProperty('firstname');
    const upsert = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ id: 'b@x.com', idProperty: 'email', properties: { phone: '', firstname: null, lastname: 'Bee' } }],
    });
    expect(upsert.status).toBe(200);
    expect(await stored('contacts', b)).toMatchObject({ lastname: 'Bee' });
    expect(await stored('contacts', b)).not.toHaveProperty('phone');
  });

  it('refuses writes to read-only properties with READ_ONLY_VALUE, as the property definitions say', async () => {
    const def = await call(sim, 'GET', '/crm/v3/properties/contacts/hs_email_domain');
    expect(def.body.modificationMetadata.readOnlyValue).toBe(true);
    const id = await contact({ email: 'r@x.com' });
    const refused = await call(sim, 'PATCH', `/crm/v3/objects/contacts/${id}`, {
      properties: { firstname: 'R', hs_email_domain: 'other.com' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ code: 'READ_ONLY_VALUE', context: { propertyName: ['hs_email_domain'] } }),
    ]);
    expect(await stored('contacts', id)).not.toHaveProperty('firstname');
    const writable = await call(sim, 'GET', '/crm/v3/properties/contacts/createdate');
    expect(writable.body.modificationMetadata.readOnlyValue).toBe(false);
  });

  it("refuses a task without hs_timestamp with HubSpot's required-property error", async () => {
    const refused = await call(sim, 'POST', '/crm/v3/objects/tasks', { properties: { hs_task_subject: 'No due' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'Error creating TASK. Some required properties were not set.',
      context: { properties: ['hs_timestamp'] },
    });
    expect((await admin(sim, 'GET', '/state?types=tasks')).body.objects.tasks).toHaveLength(0);
    const ok = await call(sim, 'POST', '/crm/v3/objects/tasks', {
      properties: { hs_task_subject: 'Due', hs_timestamp: '2026-12-01T10:00:00.000Z' },
    });
    expect(ok.status).toBe(201);
  });

  it('batch/create answers 201, or 207 with per-input errors when inputs carry objectWriteTraceId', async () => {
    const all = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
      inputs: [{ properties: { email: 'one@x.com' } }, { properties: { email: 'two@x.com' } }],
    });
    expect(all.status).toBe(201);
    expect(all.body.results).toHaveLength(2);

    const mixed = await call(sim, 'POST', '/crm/v3/objects/tasks/batch/create', {
      inputs: [
        { objectWriteTraceId: 't-ok', properties: { hs_task_subject: 'ok', hs_timestamp: '1767261600000' } },
        { objectWriteTraceId: 't-due', properties: { hs_task_subject: 'no due date' } },
        { objectWriteTraceId: 't-ro', properties: { hs_timestamp: '1767261600000', hs_createdate: '1' } },
        { objectWriteTraceId: 't-bad', properties: { hs_timestamp: '1767261600000', missing: '1' } },
      ],
    });
    expect(mixed.status).toBe(207);
    expect(mixed.body).toMatchObject({ status: 'COMPLETE', numErrors: 3 });
    expect(mixed.body.results.map((r: { objectWriteTraceId: string }) => r.objectWriteTraceId)).toEqual(['t-ok']);
    const byTrace = Object.fromEntries(
      mixed.body.errors.map((e: { context: { objectWriteTraceId: string[] } }) => [e.context.objectWriteTraceId[0], e]),
    );
    expect(Object.keys(byTrace).sort()).toEqual(['t-bad', 't-due', 't-ro']);
    for (const e of Object.values(byTrace))
      expect(e).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.any(String) });
    expect(byTrace['t-ro'].message).toContain('READ_ONLY_VALUE');
    expect(byTrace['t-bad'].message).toContain('PROPERTY_DOESNT_EXIST');
    expect((await admin(sim, 'GET', '/state?types=tasks')).body.objects.tasks).toHaveLength(1);

    // Without trace ids HubSpot refuses the whole batch.
    const whole = await call(sim, 'POST', '/crm/v3/objects/tasks/batch/create', {
      inputs: [
        { properties: { hs_task_subject: 'fine', hs_timestamp: '1767261600000' } },
        { properties: { hs_task_subject: 'no due date' } },
      ],
    });
    expect(whole.status).toBe(400);
    expect((await admin(sim, 'GET', '/state?types=tasks')).body.objects.tasks).toHaveLength(1);
  });

  it('batch/update and batch/upsert report refused inputs per objectWriteTraceId and apply the rest', async () => {
    const a = await contact({ email: 'ua@x.com' });
    const b = await contact({ email: 'ub@x.com' });
    const update = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/update', {
      inputs: [
        { id: a, objectWriteTraceId: 'u1', properties: { firstname: 'Ok' } },
        { id: b, objectWriteTraceId: 'u2', properties: { lastmodifieddate: '2020-01-01T00:00:00Z' } },
      ],
    });
    expect(update.status).toBe(207);
    expect(update.body.results.map((r: { id: string }) => r.id)).toEqual([a]);
    expect(update.body.errors[0].context.objectWriteTraceId).toEqual(['u2']);
    expect(await stored('contacts', a)).toMatchObject({ firstname: 'Ok' });
    const upsert = await call(sim, 'POST', '/crm/v3/objects/tasks/batch/upsert', {
      inputs: [{ id: '999999', objectWriteTraceId: 'x1', properties: { hs_task_subject: 'x' } }],
    });
    expect(upsert.status).toBe(207);
    expect(upsert.body.errors[0].context.objectWriteTraceId).toEqual(['x1']);
  });

  it("uses HubSpot's association type ids, refuses others, and answers v4 batch/create with 201", async () => {
    const deal = (
      await call(sim, 'POST', '/crm/v3/objects/deals', { properties: { dealname: 'D', pipeline: 'default' } })
    ).body.id;
    const ticket = (await call(sim, 'POST', '/crm/v3/objects/tickets', { properties: { subject: 'T' } })).body.id;
    const made = await call(sim, 'POST', '/crm/v4/associations/deals/tickets/batch/create', {
      inputs: [
        {
          from: { id: deal },
          to: { id: ticket },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 27 }],
        },
      ],
    });
    expect(made.status).toBe(201);
    const back = await call(sim, 'POST', '/crm/v4/associations/tickets/deals/batch/read', { inputs: [{ id: ticket }] });
    expect(back.body.results[0].to[0].associationTypes.map((t: { typeId: number }) => t.typeId)).toEqual([28]);
    const swapped = await call(sim, 'POST', '/crm/v4/associations/deals/tickets/batch/create', {
      inputs: [
        {
          from: { id: deal },
          to: { id: ticket },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 28 }],
        },
      ],
    });
    expect(swapped.status).toBe(400);
    expect(swapped.body.category).toBe('VALIDATION_ERROR');

    const company = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Co' } })).body.id;
    const badCreate = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'assoc@x.com' },
      associations: [
        { to: { id: company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 9999 }] },
      ],
    });
    expect(badCreate.status).toBe(400);
    expect((await admin(sim, 'GET', '/state?types=contacts')).body.objects.contacts).toHaveLength(0);
    const goodCreate = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'assoc@x.com' },
      associations: [
        { to: { id: company }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }] },
      ],
    });
    expect(goodCreate.status).toBe(201);
    const read = await call(sim, 'POST', '/crm/v4/associations/contacts/companies/batch/read', {
      inputs: [{ id: goodCreate.body.id }],
    });
    expect(read.body.results[0].to[0].associationTypes.map((t: { typeId: number }) => t.typeId).sort()).toEqual([
      1, 279,
    ]);
  });

  it('merges contacts and companies into a new record that both old ids resolve to', async () => {
    const primary = await contact({ email: 'p@x.com', firstname: 'Primary' });
    const other = await contact({ email: 'o@x.com', firstname: 'Other', phone: '42' });
    const merged = await call(sim, 'POST', '/crm/v3/objects/contacts/merge', {
      primaryObjectId: primary,
      objectIdToMerge: other,
    });
    expect(merged.status).toBe(200);
    const newId = merged.body.id as string;
    expect([primary, other]).not.toContain(newId);
    for (const old of [primary, other]) {
      const got = await call(
        sim,
        'GET',
        `/crm/v3/objects/contacts/${old}?properties=firstname,phone,email,hs_merged_object_ids`,
      );
      expect(got.body).toMatchObject({
        id: newId,
        properties: { firstname: 'Primary', phone: '42', email: 'p@x.com' },
      });
      expect(got.body.properties.hs_merged_object_ids.split(';').sort()).toEqual([primary, other].sort());
    }
    const batch = await call(sim, 'POST', '/crm/v3/objects/contacts/batch/read', {
      inputs: [{ id: primary }, { id: other }],
      properties: ['email'],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { id: string }) => r.id)).toEqual([newId]);

    const c1 = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'One' } })).body.id;
    const c2 = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Two' } })).body.id;
    const co = await call(sim, 'POST', '/crm/v3/objects/companies/merge', { primaryObjectId: c2, objectIdToMerge: c1 });
    expect([c1, c2]).not.toContain(co.body.id);
    expect((await call(sim, 'GET', `/crm/v3/objects/companies/${c1}?properties=name`)).body).toMatchObject({
      id: co.body.id,
      properties: { name: 'Two' },
    });
  });
});
