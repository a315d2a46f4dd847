import type { RunningSimulator } from '../../src/simulator';
import { admin, call, start } from './helpers';

describe('simulator: objects, list and auth', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start();
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset', {});
  });

  it('answers a missing or wrong token with HubSpot 401 body', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        status: 'error',
        category: 'INVALID_AUTHENTICATION',
        correlationId: expect.any(String),
      });
    }
  });

  it('pages through every record exactly once, in both active and archived views', async () => {
    await admin(sim, 'POST', '/seed', { contacts: 2345, companies: 0, owners: 3 });
    const first = await call(sim, 'GET', '/crm/v3/objects/contacts?limit=3');
    await call(sim, 'DELETE', `/crm/v3/objects/contacts/${first.body.results[0].id}`);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const res = await call(
        sim,
        'GET',
        `/crm/v3/objects/contacts?limit=100&properties=email,phone${after ? `&after=${after}` : ''}`,
      );
      expect(res.status).toBe(200);
      for (const r of res.body.results) seen.push(r.id);
      expect(res.body.results[0].properties).toEqual(
        expect.objectContaining({
          email: expect.any(String),
          hs_object_id: res.body.results[0].id,
          lastmodifieddate: expect.any(String),
        }),
      );
      after = res.body.paging?.next?.after;
      pages++;
    } while (after);
    expect(seen.length).toBe(2344);
    expect(new Set(seen).size).toBe(2344);
    expect(pages).toBe(24);
    const archived = await call(sim, 'GET', '/crm/v3/objects/contacts?archived=true');
    expect(archived.body.results.map((r: { id: string }) => r.id)).toEqual([first.body.results[0].id]);
    expect(archived.body.results[0]).toMatchObject({ archived: true, archivedAt: expect.any(String) });
    expect(archived.body.paging).toBeUndefined();
  });

  it('creates, reads (also by email), updates and archives without bumping last-modified on archive', async () => {
    const created = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'Ada@Example.com', firstname: 'Ada', amount_unknown: undefined },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.properties).toMatchObject({ email: 'Ada@Example.com', hs_object_id: id });
    const byEmail = await call(
      sim,
      'GET',
      '/crm/v3/objects/contacts/ada@example.com?idProperty=email&properties=firstname,phone',
    );
    expect(byEmail.body.properties).toMatchObject({ firstname: 'Ada', phone: null });
    await admin(sim, 'POST', `/objects/contacts/${id}/last-modified`, { at: '2024-05-05T00:00:00.000Z' });
    const updated = await call(sim, 'PATCH', `/crm/v3/objects/contacts/${id}`, {
      properties: { lastname: 'Lovelace', firstname: 42 },
    });
    expect(updated.body.properties).toMatchObject({ lastname: 'Lovelace' });
    const afterUpdate = (await call(sim, 'GET', `/crm/v3/objects/contacts/${id}?properties=firstname`)).body;
    expect(afterUpdate.properties.firstname).toBe('42');
    expect(Date.parse(afterUpdate.updatedAt)).toBeGreaterThan(Date.parse('2025-01-01'));
    await admin(sim, 'POST', `/objects/contacts/${id}/last-modified`, { at: '2024-05-05T00:00:00.000Z' });
    expect((await call(sim, 'DELETE', `/crm/v3/objects/contacts/${id}`)).status).toBe(204);
    expect((await call(sim, 'GET', `/crm/v3/objects/contacts/${id}`)).status).toBe(404);
    const archived = await call(sim, 'GET', `/crm/v3/objects/contacts/${id}?archived=true`);
    expect(archived.body.properties.lastmodifieddate).toBe('2024-05-05T00:00:00.000Z');
    expect(archived.body.archived).toBe(true);
  });

  it('rejects a duplicate contact email with 409 and unknown or invalid properties with 400', async () => {
    const a = await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'dup@example.com' } });
    const dup = await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'DUP@example.com' } });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      category: 'CONFLICT',
      message: `Contact already exists. Existing ID: ${a.body.id}`,
    });
    const unknown = await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { nope: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ code: 'PROPERTY_DOESNT_EXIST' });
    const badOption = await call(sim, 'POST', '/crm/v3/objects/deals', {
      properties: { dealstage: 'nonsense', amount: 'abc' },
    });
    expect(badOption.status).toBe(400);
    expect(badOption.body.errors.map((e: { code: string }) => e.code).sort()).toEqual([
      'INVALID_INTEGER',
      'INVALID_OPTION',
    ]);
  });

  it('serves owners, account users, property definitions and the users object', async () => {
    await admin(sim, 'POST', '/seed', { owners: 7 });
    const owners = await call(sim, 'GET', '/crm/v3/owners?limit=5');
    expect(owners.body.results).toHaveLength(5);
    const rest = await call(sim, 'GET', `/crm/v3/owners?limit=5&after=${owners.body.paging.next.after}`);
    expect(rest.body.results).toHaveLength(2);
    const byEmail = await call(sim, 'GET', `/crm/v3/owners?email=${encodeURIComponent(owners.body.results[0].email)}`);
    expect(byEmail.body.results[0].id).toBe(owners.body.results[0].id);
    const users = await call(sim, 'GET', '/settings/v3/users?limit=100');
    expect(users.body.results).toHaveLength(7);
    const userObjects = await call(sim, 'GET', '/crm/v3/objects/0-115?limit=100&properties=hs_email');
    expect(userObjects.body.results).toHaveLength(7);
    const props = await call(sim, 'GET', '/crm/v3/properties/companies');
    expect(props.body.results.find((p: { name: string }) => p.name === 'hs_lastmodifieddate')).toMatchObject({
      type: 'datetime',
      modificationMetadata: { readOnlyValue: true },
    });
    const custom = await call(sim, 'POST', '/crm/v3/properties/contacts', {
      name: 'platform_id',
      label: 'Platform id',
      type: 'string',
      fieldType: 'text',
      hasUniqueValue: true,
    });
    expect(custom.status).toBe(201);
    expect((await call(sim, 'POST', '/crm/v3/objects/contacts', { properties: { platform_id: 'p-1' } })).status).toBe(
      201,
    );
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts/p-1?idProperty=platform_id')).status).toBe(200);
  });

  it('seeds deterministically from the seed value', async () => {
    const a = await admin(sim, 'POST', '/seed', { seedValue: 42, contacts: 30, companies: 5 });
    const stateA = (await admin(sim, 'GET', '/state?types=contacts,companies')).body;
    await admin(sim, 'POST', '/reset', {});
    const b = await admin(sim, 'POST', '/seed', { seedValue: 42, contacts: 30, companies: 5 });
    const stateB = (await admin(sim, 'GET', '/state?types=contacts,companies')).body;
    expect(b.body).toEqual(a.body);
    expect(stateB).toEqual(stateA);
    expect(stateA.associations.length).toBeGreaterThan(0);
  });
});
