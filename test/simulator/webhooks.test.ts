import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator } from '../../src/simulator';
import { waitFor } from '../support/wait';
import { admin, call, start } from './helpers';

const SECRET = 'test-client-secret';

// An independent implementation of HubSpot's documented v3 check, written from the documentation only.
function verifyV3(
  secret: string,
  method: string,
  host: string,
  url: string,
  rawBody: string,
  signature: string,
  timestamp: string,
  now = Date.now(),
): boolean {
  if (Math.abs(now - Number(timestamp)) > 5 * 60 * 1000) return false;
  const decodeMap: Record<string, string> = {
    '%3A': ':',
    '%2F': '/',
    '%3F': '?',
    '%40': '@',
    '%21': '!',
    '%24': '$',
    '%27': "'",
    '%28': '(',
    '%29': ')',
    '%2A': '*',
    '%2C': ',',
    '%3B': ';',
  };
  let uri = `https://${host}${url}`;
  for (const [enc, dec] of Object.entries(decodeMap)) uri = uri.split(enc).join(dec);
  const expected = createHmac('sha256', secret).update(`${method}${uri}${rawBody}${timestamp}`, 'utf8').digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function verifyV1orV2(
  secret: string,
  version: string,
  method: string,
  host: string,
  url: string,
  rawBody: string,
  signature: string,
): boolean {
  const source = version === 'v1' ? secret + rawBody : `${secret}${method}https://${host}${url}${rawBody}`;
  return createHash('sha256').update(source).digest('hex') === signature;
}

interface Received {
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- event fields are checked with expect()
  events: Array<Record<string, any>>;
}

describe('simulator: webhooks', () => {
  let sim: RunningSimulator;
  let target: http.Server;
  let received: Received[] = [];
  let failNext = 0;
  let failWith: { status: number; headers?: Record<string, string> } = { status: 500 };
  let inFlight = 0;
  let maxInFlight = 0;
  let delayMs = 0;
  let targetUrl = '';

  beforeAll(async () => {
    target = http.createServer((req, res) => {
      let raw = '';
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        setTimeout(() => {
          inFlight--;
          received.push({ url: req.url ?? '', headers: req.headers, raw, events: JSON.parse(raw) });
          if (failNext > 0) {
            failNext--;
            res.writeHead(failWith.status, failWith.headers).end();
          } else res.writeHead(204).end();
        }, delayMs);
      });
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/webhooks/hubspot?tag=a%3Ab%2Cc%20d`;
    sim = await start({
      webhooks: { targetUrl, clientSecret: SECRET, appId: '424242', batchDelayMs: 5 },
      timeScale: 10_000_000,
    });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise((r) => target.close(r));
  });
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset', {});
    await admin(sim, 'POST', '/webhooks/config', {
      signatureVersion: 'v3',
      duplicateProbability: 0,
      subscriptionTypes: null,
    });
    received = [];
    failNext = 0;
    failWith = { status: 500 };
    maxInFlight = 0;
    delayMs = 0;
  });

  const drain = async () =>
    expect((await admin(sim, 'POST', '/webhooks/drain', { timeoutMs: 10_000 })).body.drained).toBe(true);
  const allEvents = () => received.flatMap((r) => r.events);

  it('signs v3 so that an independent verifier (with the URL-decoding rule) accepts it, and marks API writes as ours', async () => {
    const created = await call(sim, 'POST', '/crm/v3/objects/contacts', {
      properties: { email: 'hook@example.com', firstname: 'Hook' },
    });
    await drain();
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      const ok = verifyV3(
        SECRET,
        'POST',
        r.headers.host as string,
        r.url,
        r.raw,
        r.headers['x-hubspot-signature-v3'] as string,
        r.headers['x-hubspot-request-timestamp'] as string,
      );
      expect(ok).toBe(true);
      expect(
        verifyV3(
          'wrong-secret',
          'POST',
          r.headers.host as string,
          r.url,
          r.raw,
          r.headers['x-hubspot-signature-v3'] as string,
          r.headers['x-hubspot-request-timestamp'] as string,
        ),
      ).toBe(false);
    }
    const events = allEvents();
    expect(events.find((e) => e.subscriptionType === 'contact.creation')).toMatchObject({
      objectId: Number(created.body.id),
      portalId: 1000001,
      appId: 424242,
      attemptNumber: 0,
      changeSource: 'INTEGRATION',
      sourceId: '424242',
      eventId: expect.any(Number),
      subscriptionId: expect.any(Number),
      occurredAt: expect.any(Number),
    });
    const changes = events
      .filter((e) => e.subscriptionType === 'contact.propertyChange')
      .map((e) => [e.propertyName, e.propertyValue]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['email', 'hook@example.com'],
        ['firstname', 'Hook'],
      ]),
    );
  });

  it('emits HubSpot event shapes for user changes, associations, tasks, merges, restores and privacy deletions', async () => {
    const contact = (await admin(sim, 'POST', '/objects/contacts', { properties: { email: 'u@example.com' } })).body;
    const other = (await admin(sim, 'POST', '/objects/contacts', { properties: { email: 'v@example.com' } })).body;
    const company = (await admin(sim, 'POST', '/objects/companies', { properties: { name: 'Co' } })).body;
    const task = (
      await admin(sim, 'POST', '/objects/tasks', {
        properties: { hs_task_subject: 'Call' },
        changeSource: 'WORKFLOWS',
        sourceId: 'workflow:7',
      })
    ).body;
    await admin(sim, 'PATCH', `/objects/contacts/${contact.id}`, { properties: { firstname: 'Una' } });
    await admin(sim, 'POST', '/associations', {
      fromType: 'contacts',
      fromId: contact.id,
      toType: 'companies',
      toId: company.id,
      primary: true,
    });
    await admin(sim, 'DELETE', `/objects/companies/${company.id}`);
    await admin(sim, 'POST', `/objects/companies/${company.id}/restore`, {});
    const mergedInto = (
      await admin(sim, 'POST', '/objects/contacts/merge', { primaryObjectId: contact.id, objectIdToMerge: other.id })
    ).body;
    await admin(sim, 'POST', `/objects/contacts/${contact.id}/gdpr-delete`, {});
    await drain();
    const events = allEvents();
    const find = (type: string) => events.filter((e) => e.subscriptionType === type);
    expect(find('contact.propertyChange').find((e) => e.propertyName === 'firstname')).toMatchObject({
      changeSource: 'CRM_UI',
      sourceId: expect.stringMatching(/^userId:/),
      propertyValue: 'Una',
      changeFlag: 'PROPERTY_CHANGED',
    });
    expect(find('object.creation')[0]).toMatchObject({
      objectTypeId: '0-27',
      objectId: Number(task.id),
      changeSource: 'WORKFLOWS',
      sourceId: 'workflow:7',
    });
    const assoc = [...find('contact.associationChange'), ...find('company.associationChange')];
    expect(
      assoc
        .map((e) => [e.associationType, e.fromObjectId, e.toObjectId, e.associationRemoved, e.isPrimaryAssociation])
        .sort(),
    ).toEqual(
      [
        ['COMPANY_TO_CONTACT', Number(company.id), Number(contact.id), false, true],
        ['CONTACT_TO_COMPANY', Number(contact.id), Number(company.id), false, true],
      ].sort(),
    );
    expect(find('company.deletion')[0]).toMatchObject({ objectId: Number(company.id) });
    expect(find('company.restore')[0]).toMatchObject({ objectId: Number(company.id) });
    expect(find('contact.merge')[0]).toMatchObject({
      primaryObjectId: Number(contact.id),
      mergedObjectIds: [Number(other.id)],
      newObjectId: Number(mergedInto.id),
      objectId: Number(mergedInto.id),
    });
    expect(Number(mergedInto.id)).not.toBe(Number(contact.id));
    // contact.id now resolves to the merged record, so the GDPR delete removes that one
    expect(find('contact.privacyDeletion')[0]).toMatchObject({ objectId: Number(mergedInto.id) });
    expect(find('contact.deletion').map((e) => e.objectId)).toContain(Number(mergedInto.id));
  });

  it('retries failed deliveries with a rising attemptNumber until the target answers 2xx', async () => {
    // One notification per request (creation only), so each failed request is one retry of it.
    await admin(sim, 'POST', '/webhooks/config', {
      subscriptionTypes: ['company.creation', 'company.propertyChange:city'],
    });
    failNext = 3;
    const created = await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Retry Co' } });
    await drain();
    const isCreation = (e: Record<string, unknown>) =>
      e.subscriptionType === 'company.creation' && e.objectId === Number(created.body.id);
    // Each notification is retried on its own schedule: the creation's own attemptNumber rises.
    const attempts = received.flatMap((r) => r.events.filter(isCreation));
    expect(attempts.map((e) => e.attemptNumber)).toEqual([0, 1, 2, 3]);
    const status = (await admin(sim, 'GET', '/webhooks/status')).body;
    expect(status).toMatchObject({ pending: 0, inFlight: 0, retrying: 0, failed: 0 });
    expect(status.delivered).toBe(received[received.length - 1]?.events.length);
    await admin(sim, 'POST', '/faults', { rules: [{ type: 'webhookFailure', times: 2 }] });
    received = [];
    await call(sim, 'PATCH', `/crm/v3/objects/companies/${created.body.id}`, { properties: { city: 'Lyon' } });
    await drain();
    expect(received.map((r) => r.events[0]?.attemptNumber)).toEqual([2]);
    const deliveries = (await admin(sim, 'GET', '/webhooks/deliveries')).body.deliveries;
    expect(deliveries.slice(-3).map((d: { status: number }) => d.status)).toEqual([503, 503, 204]);
  });

  it('retries a 4xx as HubSpot does (any 4xx or 5xx), and a 429 no sooner than its Retry-After', async () => {
    failNext = 1;
    failWith = { status: 404 };
    const created = await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Gone Co' } });
    await drain();
    const creations = received
      .flatMap((r) => r.events)
      .filter((e) => e.subscriptionType === 'company.creation' && e.objectId === Number(created.body.id));
    expect(creations.map((e) => e.attemptNumber)).toEqual([0, 1]);

    // A Retry-After of 10^8 s, scaled by the suite's timeScale (10^7), is still 10 s: the retry must wait for it,
    // where the schedule alone retries within microseconds.
    received = [];
    failNext = 1;
    failWith = { status: 429, headers: { 'Retry-After': '100000000' } };
    await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Busy Co' } });
    const waited = await admin(sim, 'POST', '/webhooks/drain', { timeoutMs: 500 });
    expect(waited.body.drained).toBe(false);
    expect(received).toHaveLength(1);
    expect((await admin(sim, 'GET', '/webhooks/status')).body).toMatchObject({ retrying: received[0]?.events.length });
  });

  it('gives up after maxRetries and counts the events as failed', async () => {
    await admin(sim, 'POST', '/webhooks/config', { maxRetries: 2 });
    failNext = 100;
    await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: 'Doomed' } });
    await drain();
    const first = received[0]?.events ?? [];
    // Every notification of the first request was tried three times (attempts 0, 1, 2), then given up.
    for (const event of first)
      expect(
        allEvents()
          .filter((e) => e.eventId === event.eventId)
          .map((e) => e.attemptNumber),
      ).toEqual([0, 1, 2]);
    expect(allEvents()).toHaveLength(first.length * 3);
    expect((await admin(sim, 'GET', '/webhooks/status')).body.failed).toBe(first.length);
    await admin(sim, 'POST', '/webhooks/config', { maxRetries: 10 });
  });

  it('delivers in batches of fewer than 100 events with at most 10 requests in flight', async () => {
    delayMs = 30;
    await admin(sim, 'POST', '/webhooks/config', { subscriptionTypes: ['contact.creation'] });
    for (let i = 0; i < 10; i++) {
      await call(sim, 'POST', '/crm/v3/objects/contacts/batch/create', {
        inputs: Array.from({ length: 100 }, (_, j) => ({ properties: { email: `bulk${i}-${j}@example.com` } })),
      });
    }
    await drain();
    expect(allEvents()).toHaveLength(1000);
    expect(Math.max(...received.map((r) => r.events.length))).toBeLessThan(100);
    expect(maxInFlight).toBeLessThanOrEqual(10);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it('supports v1 and v2 signatures, duplicate delivery and property-specific subscriptions', async () => {
    for (const version of ['v1', 'v2']) {
      received = [];
      await admin(sim, 'POST', '/webhooks/config', {
        signatureVersion: version,
        subscriptionTypes: ['company.propertyChange:name'],
        duplicateProbability: 1,
      });
      await call(sim, 'POST', '/crm/v3/objects/companies', { properties: { name: `Sig ${version}`, city: 'Berlin' } });
      await drain();
      const events = allEvents();
      expect(events.map((e) => e.propertyName)).toEqual(['name', 'name']);
      expect(events[0]?.eventId).toBe(events[1]?.eventId);
      for (const r of received) {
        expect(r.headers['x-hubspot-signature-version']).toBe(version);
        expect(
          verifyV1orV2(
            SECRET,
            version,
            'POST',
            r.headers.host as string,
            r.url,
            r.raw,
            r.headers['x-hubspot-signature'] as string,
          ),
        ).toBe(true);
      }
    }
  });

  it('records events even without a target and exposes them to the admin API', async () => {
    await admin(sim, 'POST', '/webhooks/config', { targetUrl: null });
    try {
      await call(sim, 'POST', '/crm/v3/objects/deals', { properties: { dealname: 'Silent' } });
      const events = await waitFor(
        'the event recorded',
        async () => {
          const e = (await admin(sim, 'GET', '/webhooks/events')).body.events;
          return e.length > 0 ? e : undefined;
        },
        10_000,
        20,
      );
      expect(events[0]).toMatchObject({ subscriptionType: 'deal.creation' });
      expect(received).toHaveLength(0);
    } finally {
      await admin(sim, 'POST', '/webhooks/config', { targetUrl });
    }
  });
});
