import { inspect } from 'node:util';
import pino from 'pino';
import { Writable } from 'node:stream';
import {
  HubSpotAuthError,
  HubSpotError,
  HubSpotLockedError,
  HubSpotNetworkError,
  HubSpotNotFoundError,
  HubSpotRateLimitError,
  HubSpotResponseShapeError,
  HubSpotServerError,
  HubSpotValidationError,
  StaticTokenProvider,
  resetPortalRateLimiters,
} from '../../src/hubspot';
import { AUTH_RETRY_DELAY_MS, toTemporalFailure } from '../../src/temporal/hubspot-failures';
import { nextMidnight } from '../../src/hubspot/time';
import { type SimHandle, addFaults, clientFor, counters, simRecords, startSim } from './sim-admin';

// Each error class from the simulator response that produces it, and the Temporal retry behaviour it maps to.

jest.setTimeout(60_000);

let sim: SimHandle;
let firstContact: string;

beforeAll(async () => {
  sim = await startSim();
  await sim.admin.post('/seed', { seedValue: 9, contacts: 20, owners: 2 });
  firstContact = [...(await simRecords(sim, 'contacts')).keys()][0] as string;
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  resetPortalRateLimiters();
  await sim.admin.delete('/faults');
  await sim.admin.delete('/counters');
});

async function failure(promise: Promise<unknown>): Promise<HubSpotError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HubSpotError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function delayOf(err: unknown): number | undefined {
  const d = toTemporalFailure(err).nextRetryDelay;
  return d === undefined || d === null ? undefined : Number(d);
}

it('401 on a read: auth error, retried after AUTH_RETRY_DELAY_MS, and the token appears nowhere', async () => {
  const secret = 'pat-na1-00000000-very-secret-token';
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }),
  );
  const client = clientFor(sim, { tokens: new StaticTokenProvider(secret), logger });
  const err = await failure(client.get('contacts', firstContact));
  expect(err).toBeInstanceOf(HubSpotAuthError);
  expect(err.status).toBe(401);
  expect(toTemporalFailure(err).nonRetryable).toBe(false);
  expect(Number(toTemporalFailure(err).nextRetryDelay)).toBe(AUTH_RETRY_DELAY_MS);
  const everything = [
    err.message,
    err.stack ?? '',
    JSON.stringify(err),
    inspect(err, { depth: 10 }),
    JSON.stringify(toTemporalFailure(err)),
    ...lines,
  ].join('\n');
  expect(lines.length).toBeGreaterThan(0);
  expect(everything).not.toContain(secret);
});

it('404: not found, final', async () => {
  const err = await failure(clientFor(sim).get('contacts', '999999999'));
  expect(err).toBeInstanceOf(HubSpotNotFoundError);
  expect(err.endpoint).toBe('/crm/v3/objects/{type}/{id}');
  expect(toTemporalFailure(err).nonRetryable).toBe(true);
});

// Batch create and update carry objectWriteTraceId, so HubSpot reports a refused input in a 207 beside the others.
it('409 in a traced batch create: the per-input error carries the message naming the existing id', async () => {
  const client = clientFor(sim);
  const existing = await client.get('contacts', firstContact, { properties: ['email'] });
  const outcome = await client.batchCreate('contacts', [{ properties: { email: existing.properties.email ?? '' } }]);
  expect(outcome.results).toEqual([]);
  expect(outcome.errors).toEqual([
    expect.objectContaining({ category: 'CONFLICT', inputIndex: 0, message: expect.stringContaining(firstContact) }),
  ]);
});

it('400 in a traced batch update names the property of its input', async () => {
  const outcome = await clientFor(sim).batchUpdate('contacts', [
    { id: firstContact, properties: { no_such_property: 'x' } },
  ]);
  expect(outcome.errors).toEqual([
    expect.objectContaining({ category: 'VALIDATION_ERROR', inputIndex: 0, property: 'no_such_property' }),
  ]);
});

// Email-keyed upserts are all-or-nothing in HubSpot: the whole call is a 400.
it('400: validation error naming the field', async () => {
  const err = await failure(
    clientFor(sim).batchUpsert('contacts', [
      { id: 'nosuch@example.com', idProperty: 'email', properties: { no_such_property: 'x' } },
    ]),
  );
  expect(err).toBeInstanceOf(HubSpotValidationError);
  expect((err as HubSpotValidationError).fields).toContain('no_such_property');
  expect(toTemporalFailure(err).nonRetryable).toBe(true);
});

it('423: locked, retryable after at least two seconds', async () => {
  await addFaults(sim, [{ type: 'locked', match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 1 }]);
  const err = await failure(
    clientFor(sim).batchUpsert('contacts', [
      { id: 'x@example.com', idProperty: 'email', properties: { firstname: 'X' } },
    ]),
  );
  expect(err).toBeInstanceOf(HubSpotLockedError);
  const mapped = toTemporalFailure(err);
  expect(mapped.nonRetryable).toBe(false);
  expect(delayOf(err)).toBeGreaterThanOrEqual(2000);
});

it.each([500, 502, 503, 504])('%i: server error, retried by Temporal with its backoff', async (status) => {
  await addFaults(sim, [{ type: 'error', status, match: 'GET /crm/v3/objects/contacts', times: 1 }]);
  const err = await failure(clientFor(sim).get('contacts', firstContact));
  expect(err).toBeInstanceOf(HubSpotServerError);
  expect(err.status).toBe(status);
  expect(toTemporalFailure(err).nonRetryable).toBe(false);
  expect(delayOf(err)).toBeUndefined();
});

it('dropped connection: network error, retryable', async () => {
  await addFaults(sim, [{ type: 'drop', match: 'GET /crm/v3/objects/contacts', times: 1 }]);
  const err = await failure(clientFor(sim).get('contacts', firstContact));
  expect(err).toBeInstanceOf(HubSpotNetworkError);
  expect((err as HubSpotNetworkError).timedOut).toBe(false);
  expect(toTemporalFailure(err).nonRetryable).toBe(false);
});

it('slow answer: timeout, retryable', async () => {
  await addFaults(sim, [{ type: 'latency', ms: 3000, match: 'GET /crm/v3/objects/contacts', times: 1 }]);
  const err = await failure(clientFor(sim, { timeoutMs: 300 }).get('contacts', firstContact));
  expect(err).toBeInstanceOf(HubSpotNetworkError);
  expect((err as HubSpotNetworkError).timedOut).toBe(true);
  expect(toTemporalFailure(err).nonRetryable).toBe(false);
});

it('429 DAILY: not retried in the client, retried by Temporal at the account’s midnight', async () => {
  await addFaults(sim, [{ type: 'rateLimit', policyName: 'DAILY', match: 'GET /crm/v3/objects/contacts', times: 1 }]);
  const client = clientFor(sim, { accountTimeZone: 'America/New_York' });
  const before = Date.now();
  const err = await failure(client.get('contacts', firstContact));
  expect(err).toBeInstanceOf(HubSpotRateLimitError);
  expect((err as HubSpotRateLimitError).policy).toBe('DAILY');
  expect((await counters(sim)).total).toBe(1);
  const untilMidnight = nextMidnight(new Date(before), 'America/New_York').getTime() - before;
  expect(Math.abs((delayOf(err) ?? 0) - untilMidnight)).toBeLessThan(5_000);
  expect(toTemporalFailure(err).nonRetryable).toBe(false);
  // The portal is out of calls for today: the next call is refused without bothering HubSpot.
  const again = await failure(client.get('contacts', firstContact));
  expect((again as HubSpotRateLimitError).policy).toBe('DAILY');
  expect((await counters(sim)).total).toBe(1);
});

it('429 ten-secondly: waited out a few times, then handed to Temporal with the window as delay', async () => {
  await addFaults(sim, [{ type: 'rateLimit', match: 'GET /crm/v3/objects/contacts', times: 3, retryAfterSeconds: 1 }]);
  const err = await failure(clientFor(sim, { rateLimitRetries: 2 }).get('contacts', firstContact));
  expect(err).toBeInstanceOf(HubSpotRateLimitError);
  expect((err as HubSpotRateLimitError).policy).toBe('TEN_SECONDLY_ROLLING');
  expect((await counters(sim)).total).toBe(3);
  expect(delayOf(err)).toBe(1000);
  expect(toTemporalFailure(err).nonRetryable).toBe(false);
});

it.each([
  ['results[0].id', 'number', 'results[0].id'],
  ['results[1].properties', 'string', 'results[1].properties'],
  ['results[0].createdAt', 'drop', 'results[0].createdAt'],
  ['paging.next.after', 'null', 'paging.next.after'],
  ['results', 'garbage', '(root)'],
])('malformed %s (%s): a shape error naming the field', async (field, mode, path) => {
  await addFaults(sim, [{ type: 'malformed', match: 'GET /crm/v3/objects/contacts', field, mode, times: 1 }]);
  const err = await failure(clientFor(sim).listPage('contacts', { limit: 5 }));
  expect(err).toBeInstanceOf(HubSpotResponseShapeError);
  expect((err as HubSpotResponseShapeError).path).toBe(path);
  expect(err.message).toContain(path);
  expect(toTemporalFailure(err).nonRetryable).toBe(true);
});
