import { once } from 'node:events';
import http from 'node:http';
import type { RunningSimulator } from '../../src/simulator';
import { optionsFromArgs } from '../../src/simulator/main';
import { admin, call, start } from './helpers';

describe('simulator: rate limits, faults, counters', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await start({
      portals: [{ portalId: '1000001', token: 'sim-token-demo', tier: 'starter' }],
      seed: { contacts: 20 },
    });
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    await admin(sim, 'POST', '/rate-limits/reset', {});
    await admin(sim, 'DELETE', '/faults');
    await admin(sim, 'DELETE', '/counters');
  });

  it('a burst gets 429 TEN_SECONDLY_ROLLING with HubSpot headers, counted by policy', async () => {
    await admin(sim, 'POST', '/config', { requestsPer10s: 20, retryAfterHeader: true });
    const results = await Promise.all(
      Array.from({ length: 26 }, () => call(sim, 'GET', '/crm/v3/objects/contacts?limit=1')),
    );
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect([ok.length, limited.length]).toEqual([20, 6]);
    const h = (limited[0] as (typeof limited)[number]).headers;
    expect(limited[0]?.body).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      message: 'You have reached your ten_secondly_rolling limit.',
      correlationId: expect.any(String),
    });
    expect([
      h.get('x-hubspot-ratelimit-max'),
      h.get('x-hubspot-ratelimit-remaining'),
      h.get('x-hubspot-ratelimit-interval-milliseconds'),
      h.get('x-hubspot-ratelimit-daily'),
    ]).toEqual(['20', '0', '10000', '250000']);
    expect(Number(h.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const counters = (await admin(sim, 'GET', '/counters')).body;
    expect(counters).toMatchObject({
      total: 26,
      byEndpoint: { 'GET /crm/v3/objects/contacts': 26 },
      byStatus: { '200': 20, '429': 6 },
      rateLimited: { TEN_SECONDLY_ROLLING: 6 },
    });
    await admin(sim, 'POST', '/config', { tier: 'starter', retryAfterHeader: false });
  });

  it('search has its own 5/s limit, exempt from the 10-second window; the daily budget gives DAILY', async () => {
    await admin(sim, 'POST', '/config', { requestsPer10s: 1 });
    const searches = await Promise.all(
      Array.from({ length: 7 }, () => call(sim, 'POST', '/crm/v3/objects/contacts/search', { limit: 1 })),
    );
    expect(searches.filter((r) => r.status === 200)).toHaveLength(5);
    const limited = searches.find((r) => r.status === 429);
    expect(limited?.body).toMatchObject({ policyName: 'SECONDLY', message: 'You have reached your secondly limit.' });
    expect((await call(sim, 'GET', '/crm/v3/objects/contacts')).status).toBe(200);
    await admin(sim, 'POST', '/config', { tier: 'starter', dailyLimit: 6 });
    const daily = await call(sim, 'GET', '/crm/v3/objects/contacts');
    expect(daily.body.policyName).toBe('DAILY');
    await admin(sim, 'POST', '/config', { tier: 'starter' });
  });

  it('injects counted 429 bursts, 5xx, 423, malformed fields and garbage, then recovers', async () => {
    const path = '/crm/v3/objects/contacts';
    await admin(sim, 'POST', '/faults', {
      rules: [
        { type: 'rateLimit', match: `GET ${path}`, times: 2, retryAfterSeconds: 3 },
        { type: 'error', status: 502, match: 'POST /crm/v3/objects/contacts/batch', times: 1 },
        { type: 'locked', match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 1 },
      ],
    });
    const a = await call(sim, 'GET', path);
    expect([a.status, a.body.policyName, a.headers.get('retry-after')]).toEqual([429, 'TEN_SECONDLY_ROLLING', '3']);
    expect((await call(sim, 'GET', path)).status).toBe(429);
    expect((await call(sim, 'GET', path)).status).toBe(200);
    expect((await call(sim, 'POST', `${path}/batch/read`, { inputs: [] })).status).toBe(502);
    expect((await call(sim, 'POST', `${path}/batch/upsert`, { inputs: [] })).body.category).toBe('LOCKED');
    await admin(sim, 'POST', '/faults', {
      rules: [
        { type: 'malformed', match: `GET ${path}`, field: 'results[0].id', mode: 'number', times: 1 },
        {
          type: 'malformed',
          match: 'POST /crm/v3/objects/contacts/batch/read',
          field: 'results',
          mode: 'drop',
          times: 1,
        },
      ],
    });
    const bad = await call(sim, 'GET', path);
    expect(typeof bad.body.results[0].id).toBe('number');
    expect(typeof (await call(sim, 'GET', path)).body.results[0].id).toBe('string');
    const dropped = await call(sim, 'POST', `${path}/batch/read`, { inputs: [] });
    expect(dropped.status).toBe(200);
    expect(dropped.body.results).toBeUndefined();
    await admin(sim, 'POST', '/faults', { rules: [{ type: 'malformed', field: '*', mode: 'garbage', times: 1 }] });
    const garbage = await call(sim, 'GET', path);
    expect(typeof garbage.body).toBe('string');
    expect((await admin(sim, 'GET', '/faults')).body.rules).toHaveLength(0);
  });

  it('injects 477 Migration in Progress with Retry-After and edge 5xx with HTML bodies', async () => {
    const path = '/crm/v3/objects/contacts';
    await admin(sim, 'POST', '/faults', {
      rules: [
        { type: 'migration', match: `GET ${path}`, times: 1, retryAfterSeconds: 7200 },
        { type: 'error', status: 502, match: `GET ${path}`, times: 1 },
        { type: 'error', status: 503, match: `GET ${path}`, times: 1 },
        { type: 'error', status: 504, match: `GET ${path}`, times: 1 },
        { type: 'error', status: 500, match: `GET ${path}`, times: 1 },
        { type: 'error', status: 502, body: 'json', match: `GET ${path}`, times: 1 },
      ],
    });
    const migrating = await call(sim, 'GET', path);
    expect([migrating.status, migrating.headers.get('retry-after')]).toEqual([477, '7200']);
    expect(migrating.body).toMatchObject({ status: 'error', message: 'Migration in Progress' });
    for (const status of [502, 503, 504]) {
      const edge = await call(sim, 'GET', path);
      expect(edge.status).toBe(status);
      expect(edge.headers.get('content-type')).toMatch(/^text\/html/);
      expect(edge.body).toEqual(expect.stringContaining(`<title>${status} `));
    }
    expect((await call(sim, 'GET', path)).body).toMatchObject({ status: 'error', category: 'INTERNAL_ERROR' });
    const asJson = await call(sim, 'GET', path);
    expect([asJson.status, asJson.body.category]).toEqual([502, 'INTERNAL_ERROR']);
    expect((await call(sim, 'GET', path)).status).toBe(200);
    const refused = await admin(sim, 'POST', '/faults', { rules: [{ type: 'error', status: 502, body: 'xml' }] });
    expect(refused.status).toBe(400);
  });

  it('answers 414 to an over-long URL, at a configurable limit', async () => {
    const props = Array.from({ length: 1200 }, (_, i) => `custom_property_${i}`).join(',');
    const long = await call(sim, 'GET', `/crm/v3/objects/contacts?properties=${props}`);
    expect(long.status).toBe(414);
    expect(long.body).toEqual(expect.stringContaining('414 Request-URI Too Large'));
    const short = `/crm/v3/objects/contacts?properties=${props.slice(0, 2000)}`;
    expect((await call(sim, 'GET', short)).status).toBe(200);
    await admin(sim, 'POST', '/config', { maxUrlLength: 1000 });
    expect((await call(sim, 'GET', short)).status).toBe(414);
    expect((await admin(sim, 'GET', '/config')).body.maxUrlLength).toBe(1000);
    await admin(sim, 'POST', '/config', { maxUrlLength: 16_000 });
  });

  it('drops connections and answers 423 to upsert storms beyond the configured rate', async () => {
    await admin(sim, 'POST', '/faults', { rules: [{ type: 'drop', times: 1 }] });
    await expect(call(sim, 'GET', '/crm/v3/objects/contacts')).rejects.toThrow();
    await admin(sim, 'POST', '/config', { upsertLockPerSecond: 2 });
    const statuses = await Promise.all(
      Array.from({ length: 4 }, () => call(sim, 'POST', '/crm/v3/objects/contacts/batch/upsert', { inputs: [] })),
    ).then((r) => r.map((x) => x.status).sort());
    expect(statuses).toEqual([200, 200, 423, 423]);
    await admin(sim, 'POST', '/config', { upsertLockPerSecond: null });
  });

  it('logs requests without tokens', async () => {
    await admin(sim, 'DELETE', '/requests');
    await call(sim, 'POST', '/crm/v3/objects/contacts/search', { limit: 1 });
    const log = (await admin(sim, 'GET', '/requests?limit=10')).body.requests;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      method: 'POST',
      endpoint: 'POST /crm/v3/objects/contacts/search',
      status: 200,
      portalId: '1000001',
      body: '{"limit":1}',
    });
    expect(JSON.stringify(log)).not.toContain('sim-token-demo');
  });
});

describe('simulator CLI', () => {
  it('maps flags to options', () => {
    const o = optionsFromArgs([
      '--port',
      '0',
      '--tier',
      'starter',
      '--requests-per-10s',
      '50',
      '--seed',
      '10',
      '--seed-contacts',
      '99',
      '--webhook-url',
      'http://127.0.0.1:1/h',
      '--signature-version',
      'v2',
      '--time-scale=1000',
      '--indexing-lag-ms',
      '0',
      '--max-url-length',
      '8000',
      '--webhook-format',
      'generic',
      '--foreign-events-every',
      '5',
    ]);
    expect(o).toMatchObject({
      port: 0,
      indexingLagMs: 0,
      timeScale: 1000,
      maxUrlLength: 8000,
      seed: { all: 10, contacts: 99, seedValue: 1 },
      webhooks: {
        targetUrl: 'http://127.0.0.1:1/h',
        signatureVersion: 'v2',
        subscriptionFormat: 'generic',
        foreignEventsEvery: 5,
      },
    });
    expect(() => optionsFromArgs(['--webhook-format', 'both'])).toThrow('--webhook-format');
    expect(o.portals?.[0]).toMatchObject({
      portalId: '1000001',
      token: 'sim-token-demo',
      tier: 'starter',
      requestsPer10s: 50,
    });
    expect(() => optionsFromArgs(['--bogus', '1'])).toThrow('unknown flag');
  });

  it('parses the public-app flags: token-less accounts with their own seed, OAuth settings', () => {
    const o = optionsFromArgs([
      '--seed',
      '5',
      '--public-portals',
      '2001,2002',
      '--oauth-client-id',
      'cid',
      '--oauth-redirect-uri',
      'http://localhost:3000/oauth/callback',
      '--access-token-ttl-seconds',
      '60',
      '--oauth-auto-approve',
    ]);
    expect(o.portals?.slice(1)).toMatchObject([
      { portalId: '2001', seed: { all: 5, seedValue: 2 } },
      { portalId: '2002', seed: { all: 5, seedValue: 3 } },
    ]);
    expect(o.portals?.[1]?.token).toBeUndefined();
    expect(o.oauth).toMatchObject({
      clientId: 'cid',
      redirectUris: ['http://localhost:3000/oauth/callback'],
      accessTokenTtlSeconds: 60,
      autoApprove: true,
    });
    expect(() => optionsFromArgs(['--public-portals', '20x1'])).toThrow('--public-portals');
    expect(() => optionsFromArgs(['--access-token-ttl-seconds', '0'])).toThrow('positive integer');
  });

  it('starts from the command line, prints the URL and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), 'src/simulator/main.ts', '--port', '0', '--seed-contacts', '5'],
      { cwd: `${__dirname}/../..` },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const res = await new Promise<number>((resolve) =>
      http.get(`${url}/__sim/health`, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }),
    );
    expect(res).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  });
});
