import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator } from '../../src/simulator';
import { admin, call, start } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- event fields are checked with expect()
type Event = Record<string, any>;

// Event shapes as HubSpot documents them: legacy and generic formats, the generic association shape, events of
// subscriptions hubsync does not sync mixed into the same requests, and null optional fields.
describe('simulator: webhook event shapes', () => {
  let sim: RunningSimulator;
  let target: http.Server;
  let requests: Event[][] = [];

  beforeAll(async () => {
    target = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        requests.push(JSON.parse(raw) as Event[]);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    sim = await start({
      webhooks: {
        targetUrl: `http://127.0.0.1:${(target.address() as AddressInfo).port}/webhooks/hubspot`,
        batchDelayMs: 5,
      },
    });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => target.close(r));
  });
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset', {});
    await admin(sim, 'POST', '/webhooks/config', { subscriptionFormat: 'legacy', foreignEventsEvery: 0 });
    requests = [];
  });

  const delivered = async (): Promise<Event[]> => {
    expect((await admin(sim, 'POST', '/webhooks/drain', { timeoutMs: 10_000 })).body.drained).toBe(true);
    return requests.flat();
  };
  const associate = (fromType: string, fromId: string, toType: string, toId: string, primary = false) =>
    admin(sim, 'POST', '/associations', { fromType, fromId, toType, toId, primary });

  it('sends generic association changes with both object type ids and no objectTypeId or associationType', async () => {
    const contact = (await admin(sim, 'POST', '/objects/contacts', { properties: { email: 'g@x.com' } })).body;
    const task = (
      await admin(sim, 'POST', '/objects/tasks', { properties: { hs_task_subject: 'T', hs_timestamp: '1' } })
    ).body;
    await associate('tasks', task.id, 'contacts', contact.id);
    const events = await delivered();
    const generic = events.find((e) => e.subscriptionType === 'object.associationChange');
    expect(generic).toEqual({
      eventId: expect.any(Number),
      subscriptionId: expect.any(Number),
      portalId: 1000001,
      appId: 424242,
      occurredAt: expect.any(Number),
      subscriptionType: 'object.associationChange',
      attemptNumber: 0,
      changeSource: 'CRM_UI',
      sourceId: expect.stringMatching(/^userId:/),
      changeFlag: 'ASSOCIATION_ADDED',
      fromObjectTypeId: '0-27',
      toObjectTypeId: '0-1',
      fromObjectId: Number(task.id),
      toObjectId: Number(contact.id),
      associationTypeId: 204,
      associationCategory: 'HUBSPOT_DEFINED',
      associationRemoved: false,
      isPrimaryAssociation: false,
    });
    // the contact's side keeps the legacy shape in the legacy format
    expect(events.find((e) => e.subscriptionType === 'contact.associationChange')).toMatchObject({
      associationType: 'CONTACT_TO_TASK',
      fromObjectId: Number(contact.id),
      toObjectId: Number(task.id),
    });
    expect(events.find((e) => e.subscriptionType === 'object.creation')).toMatchObject({
      objectTypeId: '0-27',
      objectId: Number(task.id),
    });
  });

  it("sends every type as object.* with objectTypeId in the generic format, as a private app's webhooks.json subscribes", async () => {
    await admin(sim, 'POST', '/webhooks/config', { subscriptionFormat: 'generic' });
    const contact = (await admin(sim, 'POST', '/objects/contacts', { properties: { email: 'h@x.com' } })).body;
    const company = (await admin(sim, 'POST', '/objects/companies', { properties: { name: 'Co' } })).body;
    await associate('contacts', contact.id, 'companies', company.id, true);
    const events = await delivered();
    expect(events.every((e) => e.subscriptionType.startsWith('object.'))).toBe(true);
    expect(
      events.find((e) => e.subscriptionType === 'object.creation' && e.objectId === Number(company.id)),
    ).toMatchObject({ objectTypeId: '0-2' });
    const assoc = events.filter((e) => e.subscriptionType === 'object.associationChange');
    expect(
      assoc.map((e) => [e.fromObjectTypeId, e.toObjectTypeId, e.associationTypeId, e.isPrimaryAssociation]).sort(),
    ).toEqual(
      [
        ['0-1', '0-2', 1, true],
        ['0-2', '0-1', 2, true],
      ].sort(),
    );
    for (const e of assoc) {
      expect(e).not.toHaveProperty('objectTypeId');
      expect(e).not.toHaveProperty('associationType');
    }
  });

  it('mixes events of subscriptions hubsync does not sync into the same requests', async () => {
    await admin(sim, 'POST', '/webhooks/config', { foreignEventsEvery: 1 });
    for (let i = 0; i < 6; i++) await admin(sim, 'POST', '/objects/companies', { properties: { name: `C${i}` } });
    const events = await delivered();
    const batches = requests;
    const types = new Set(events.map((e) => e.subscriptionType));
    for (const t of ['conversation.creation', 'object.creation', 'object.propertyChange', 'object.deletion'])
      expect(types).toContain(t);
    expect(
      batches.some(
        (b) =>
          b.some((e) => e.subscriptionType === 'company.creation') &&
          b.some((e) => e.subscriptionType === 'conversation.creation'),
      ),
    ).toBe(true);
    const foreignAssoc = events.find((e) => e.subscriptionType === 'object.associationChange');
    expect(foreignAssoc).toMatchObject({ fromObjectTypeId: '0-14', toObjectTypeId: '0-3', associationTypeId: 64 });
    expect(foreignAssoc).not.toHaveProperty('objectTypeId');
    expect(events.filter((e) => e.subscriptionType === 'object.creation').map((e) => e.objectTypeId)).toContain('0-14');
    expect(events.some((e) => e.sourceId === null)).toBe(true);
    expect(events.some((e) => e.changeSource === null)).toBe(true);
  });

  it('passes null changeSource and sourceId through, and delivers hand-written events', async () => {
    const created = (
      await admin(sim, 'POST', '/objects/contacts', {
        properties: { email: 'n@x.com' },
        changeSource: null,
        sourceId: null,
      })
    ).body;
    const injected = await admin(sim, 'POST', '/webhooks/inject', {
      events: [
        {
          subscriptionType: 'contact.propertyChange',
          objectId: 2 ** 53 + 2,
          propertyName: 'email',
          propertyValue: null,
          sourceId: null,
        },
      ],
    });
    expect(injected.body).toEqual({ queued: 1 });
    expect((await admin(sim, 'POST', '/webhooks/inject', { events: [{ objectId: 1 }] })).status).toBe(400);
    const events = await delivered();
    expect(
      events.find((e) => e.subscriptionType === 'contact.creation' && e.objectId === Number(created.id)),
    ).toMatchObject({
      changeSource: null,
      sourceId: null,
    });
    expect(events.find((e) => e.objectId === 2 ** 53 + 2)).toMatchObject({
      subscriptionType: 'contact.propertyChange',
      portalId: 1000001,
      attemptNumber: 0,
      propertyValue: null,
    });
  });

  it('sends the merge event with the new record as newObjectId, apart from primaryObjectId', async () => {
    const a = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'A' } })).body.id;
    const b = (await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'B', city: 'X' } })).body.id;
    const merged = (
      await call(sim, 'POST', '/crm/v3/objects/companies/merge', { primaryObjectId: a, objectIdToMerge: b })
    ).body.id;
    const event = (await delivered()).find((e) => e.subscriptionType === 'company.merge');
    expect(event).toMatchObject({
      objectId: Number(merged),
      primaryObjectId: Number(a),
      mergedObjectIds: [Number(b)],
      newObjectId: Number(merged),
      numberOfPropertiesMoved: 1,
      changeFlag: 'MERGED',
    });
  });
});
