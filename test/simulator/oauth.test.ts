// The public app over HTTP: install through the consent redirect, tokens on the v3 endpoints, API calls with them
// on each account's own data and budget, expiry, revocation, uninstall, and webhooks only for installed accounts.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSimulator } from '../../src/simulator';
import { admin, call, start } from './helpers';

const CLIENT_ID = 'test-client-id';
const SECRET = 'test-app-secret';
const REDIRECT = 'http://localhost:7399/oauth/callback';

/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked with expect() */
async function post(
  sim: RunningSimulator,
  path: string,
  params: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json') ?? false;
  return { status: res.status, body: text === '' || !json ? text : JSON.parse(text) };
}

async function authorize(
  sim: RunningSimulator,
  query: Record<string, string>,
  path = '/oauth/authorize',
): Promise<Response> {
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'crm.objects.contacts.read crm.objects.contacts.write',
    ...query,
  });
  return fetch(`${sim.url}${path}?${q.toString()}`, { redirect: 'manual' });
}

/** Installs the app in an account through the consent redirect and exchanges the code. */
async function install(sim: RunningSimulator, portalId: string): Promise<any> {
  expect((await admin(sim, 'POST', '/oauth/next-install', { portalId })).status).toBe(200);
  const res = await authorize(sim, { state: `s-${portalId}` });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location') as string);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe(`s-${portalId}`);
  const tokens = await post(sim, '/oauth/v3/token', {
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    redirect_uri: REDIRECT,
    code: location.searchParams.get('code') as string,
  });
  expect(tokens.status).toBe(200);
  return tokens.body;
}

const drain = async (sim: RunningSimulator): Promise<void> =>
  expect((await admin(sim, 'POST', '/webhooks/drain', { timeoutMs: 10_000 })).body.drained).toBe(true);

const refresh = (sim: RunningSimulator, refreshToken: string): Promise<{ status: number; body: any }> =>
  post(sim, '/oauth/v3/token', {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    refresh_token: refreshToken,
  });

describe('simulator OAuth (public app)', () => {
  let sim: RunningSimulator;
  let received: Array<{ headers: http.IncomingHttpHeaders; raw: string }> = [];
  let receiver: http.Server;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, raw });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const port = (receiver.address() as AddressInfo).port;
    sim = await start({
      portals: [
        { portalId: '1000001', token: 'private-token', tier: 'unlimited' },
        { portalId: '2001' },
        { portalId: '2002' },
      ],
      oauth: { clientId: CLIENT_ID, redirectUris: [REDIRECT] },
      webhooks: {
        targetUrl: `http://127.0.0.1:${port}/webhooks`,
        clientSecret: SECRET,
        appId: '4242',
        batchDelayMs: 1,
      },
    });
  });
  afterAll(async () => {
    await sim.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  beforeEach(async () => {
    await admin(sim, 'POST', '/reset');
    received = [];
  });

  it('installs an account through the redirect and calls the API on that account only, on its 110/10 s budget', async () => {
    const a = await install(sim, '2001');
    expect(a).toMatchObject({ hub_id: 2001, expires_in: 1800, token_type: 'bearer', token_use: 'access_token' });
    expect(a.scopes).toEqual(['crm.objects.contacts.read', 'crm.objects.contacts.write']);
    const b = await install(sim, '2002');
    const created = await call(
      sim,
      'POST',
      '/crm/v3/objects/contacts',
      { properties: { email: 'a@2001.example' } },
      a.access_token,
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('x-hubspot-ratelimit-max')).toBe('110');
    expect(created.headers.get('x-hubspot-ratelimit-daily')).toBeNull();
    const inA = await call(sim, 'GET', '/crm/v3/objects/contacts?properties=email', undefined, a.access_token);
    const inB = await call(sim, 'GET', '/crm/v3/objects/contacts?properties=email', undefined, b.access_token);
    expect(inA.body.results.map((r: any) => r.properties.email)).toEqual(['a@2001.example']);
    expect(inB.body.results).toEqual([]);
    const meta = await post(sim, '/oauth/v3/token/introspect', {
      client_id: CLIENT_ID,
      client_secret: SECRET,
      token: b.access_token,
    });
    expect(meta.body).toMatchObject({ active: true, hub_id: 2002, app_id: 4242 });
  });

  it('spends the public app budget per account, apart from the private app and other accounts', async () => {
    const a = await install(sim, '2001');
    const b = await install(sim, '2002');
    await admin(sim, 'POST', '/config?portalId=2001', { appRequestsPer10s: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, a.access_token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, a.access_token);
    expect(limited.body).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' });
    expect(limited.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, b.access_token)).status).toBe(200);
    const portals = (await admin(sim, 'GET', '/portals')).body.portals;
    const p2001 = portals.find((p: any) => p.portalId === '2001');
    expect(p2001.publicAppLimits).toMatchObject({ peakPer10s: 3, admitted: 3, refused: { TEN_SECONDLY_ROLLING: 2 } });
    expect(p2001).toMatchObject({ privateApp: false, installed: true });
  });

  it('refuses an expired access token with EXPIRED_AUTHENTICATION until the app refreshes it (counted by grant)', async () => {
    const a = await install(sim, '2001');
    expect((await admin(sim, 'POST', '/oauth/expire-tokens', { portalId: '2001' })).body).toEqual({ expired: 1 });
    const expired = await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, a.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ status: 'error', category: 'EXPIRED_AUTHENTICATION' });
    expect(expired.body.message).toMatch(/^The OAuth token used to make this call expired \d+ minute\(s\) ago\.$/);
    const fresh = await refresh(sim, a.refresh_token);
    expect(fresh.status).toBe(200);
    expect(fresh.body.refresh_token).toBe(a.refresh_token);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, fresh.body.access_token)).status).toBe(200);
    const counters = (await admin(sim, 'GET', '/counters')).body.byEndpoint;
    expect(counters['POST /oauth/v3/token (refresh_token)']).toBe(1);
    expect(counters['POST /oauth/v3/token (authorization_code)']).toBe(1);
  });

  it('fails token calls only with fault rules that name an /oauth path', async () => {
    const a = await install(sim, '2001');
    await admin(sim, 'POST', '/faults', {
      rules: [
        { type: 'error', status: 503, times: 1 },
        { type: 'error', status: 502, match: 'POST /oauth/v3/token', times: 1 },
      ],
    });
    expect((await refresh(sim, a.refresh_token)).status).toBe(502);
    expect((await refresh(sim, a.refresh_token)).status).toBe(200);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, a.access_token)).status).toBe(503);
  });

  it('answers HubSpot error bodies for a reused code and a revoked refresh token; revocation keeps the install', async () => {
    await admin(sim, 'POST', '/oauth/next-install', { portalId: '2001' });
    const code = new URL((await authorize(sim, {})).headers.get('location') as string).searchParams.get(
      'code',
    ) as string;
    const params = {
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      client_secret: SECRET,
      redirect_uri: REDIRECT,
      code,
    };
    const first = await post(sim, '/oauth/2026-03/token', params);
    expect(first.status).toBe(200);
    const reused = await post(sim, '/oauth/v3/token', params);
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ status: 'BAD_AUTH_CODE', error: 'invalid_grant' });
    expect(typeof reused.body.correlationId).toBe('string');

    const revoked = await post(sim, '/oauth/v3/token/revoke', {
      client_id: CLIENT_ID,
      client_secret: SECRET,
      token: first.body.refresh_token,
    });
    expect(revoked.status).toBe(200);
    const refused = await refresh(sim, first.body.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      status: 'BAD_REFRESH_TOKEN',
      error: 'invalid_grant',
      message: 'refresh token is invalid, expired or revoked',
    });
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, first.body.access_token)).status).toBe(200);
    const json = await fetch(`${sim.url}/oauth/v3/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(params),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('sends webhooks signed with the app secret only for accounts that installed the app, until they uninstall', async () => {
    await admin(sim, 'POST', '/objects/contacts?portalId=2002', { properties: { email: 'before@2002.example' } });
    const a = await install(sim, '2001');
    await install(sim, '2002');
    await admin(sim, 'POST', '/objects/contacts?portalId=2001', { properties: { email: 'x@2001.example' } });
    await admin(sim, 'POST', '/objects/contacts?portalId=2002', { properties: { email: 'y@2002.example' } });
    await drain(sim);
    const events = received.flatMap((r) => JSON.parse(r.raw) as any[]);
    expect(
      events
        .filter((e) => e.subscriptionType === 'contact.creation')
        .map((e) => e.portalId)
        .sort(),
    ).toEqual([2001, 2002]);
    expect(events.every((e) => e.appId === 4242)).toBe(true);
    for (const r of received) {
      const ts = r.headers['x-hubspot-request-timestamp'] as string;
      const uri = `https://${r.headers.host as string}/webhooks`;
      const expected = createHmac('sha256', SECRET).update(`POST${uri}${r.raw}${ts}`).digest('base64');
      expect(r.headers['x-hubspot-signature-v3']).toBe(expected);
    }

    const un = await admin(sim, 'POST', '/oauth/uninstall', { portalId: '2002' });
    expect(un.body).toMatchObject({ refreshTokens: 1, accessTokens: 1 });
    received = [];
    await admin(sim, 'POST', '/objects/contacts?portalId=2002', { properties: { email: 'after@2002.example' } });
    await admin(sim, 'POST', '/objects/contacts?portalId=2001', { properties: { email: 'z@2001.example' } });
    await drain(sim);
    const after = received.flatMap((r) => JSON.parse(r.raw) as any[]);
    expect(after.filter((e) => e.subscriptionType === 'contact.creation').map((e) => e.portalId)).toEqual([2001]);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, a.access_token)).status).toBe(200);
  });

  it('shows a consent page, redirects a denial with access_denied, and refuses a bad client or redirect URL', async () => {
    const pageRes = await authorize(sim, { state: 'p' });
    expect(pageRes.status).toBe(200);
    const html = await pageRes.text();
    expect(html).toContain('Account 2002');
    const approve = /href="([^"]*sim_portal_id=2002[^"]*sim_decision=approve[^"]*)"/
      .exec(html)?.[1]
      ?.replace(/&amp;/g, '&');
    const approved = await fetch(`${sim.url}${approve as string}`, { redirect: 'manual' });
    expect(new URL(approved.headers.get('location') as string).searchParams.get('code')).toBeTruthy();

    const denied = await authorize(sim, { state: 'd', sim_decision: 'deny' }, '/oauth/2001/authorize');
    const loc = new URL(denied.headers.get('location') as string);
    expect([loc.searchParams.get('error'), loc.searchParams.get('state'), loc.searchParams.get('code')]).toEqual([
      'access_denied',
      'd',
      null,
    ]);

    expect((await authorize(sim, { client_id: 'unknown' })).status).toBe(400);
    expect((await authorize(sim, { redirect_uri: 'https://elsewhere.example.com/cb' })).status).toBe(400);
    expect((await authorize(sim, { sim_portal_id: '999', sim_decision: 'approve' })).status).toBe(400);
  });

  it('adds an account at runtime with its own seed data; a duplicate is refused', async () => {
    const added = await admin(sim, 'POST', '/portals', {
      portalId: '3001',
      token: 'tok-3001',
      seed: { contacts: 4, owners: 2 },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ portalId: '3001', owners: 2, privateApp: true });
    const list = await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, 'tok-3001');
    expect(list.body.results).toHaveLength(4);
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts', undefined, 'private-token')).body.results).toHaveLength(
      0,
    );
    expect((await admin(sim, 'POST', '/portals', { portalId: '3001' })).status).toBe(400);
  });
});
/* eslint-enable @typescript-eslint/no-explicit-any */
