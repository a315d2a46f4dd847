// Public-app mode end to end: two HubSpot portals install the app through the real OAuth redirect flow against
// the simulator (HubSpot's v3 endpoints), are backfilled and synced both ways, and stay apart — every request
// carries a token HubSpot issued to the portal hubsync meant (checked with the simulator's token metadata), A's
// mapping override shapes A's rows only, A's webhook events never touch B's rows (the simulator gives both
// portals the same record ids). An access token expiring in the middle of A's backfill is refreshed once and the
// backfill ends with exact rows; B's refresh token revoked marks only B broken while A keeps syncing.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app';
import { createRuntime, type Runtime } from '../../src/runtime';
import { startSimulator, type RunningSimulator } from '../../src/simulator';
import { simulatorAdmin } from '../../src/simulator/admin-client';
import { temporalConnectionOptions } from '../../src/temporal/connection-options';
import { describeSyncSchedule } from '../../src/scheduled/schedules';
import { OBJECT_TYPES } from '../../src/sync/object-types';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy';
import { testConfig } from '../support/runtime';
import { startWorker } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(600_000);

const CLIENT_ID = `client-${randomUUID()}`;
const CLIENT_SECRET = `secret-${randomUUID()}`;
const A = String(randomInt(2_000_000, 1_000_000_000));
const B = String(randomInt(1_000_000_001, 2_000_000_000));
const SEED = { A: { contacts: 250, companies: 12, owners: 2 }, B: { contacts: 30, companies: 5, owners: 2 } };
// A's override: the contacts' firstName column takes HubSpot's lastname (B keeps the default firstname).
const A_OVERRIDE = {
  contacts: {
    uniqueProperty: 'email',
    fields: [
      { column: 'email', hubspotProperty: 'email' },
      { column: 'firstName', hubspotProperty: 'lastname' },
      { column: 'jobTitle', hubspotProperty: 'jobtitle' },
    ],
  },
};

describe('public app: two portals installed by OAuth', () => {
  let simulator: RunningSimulator;
  let proxy: RecordingProxy;
  let runtime: Runtime;
  let app: FastifyInstance;
  let appUrl: string;
  let connection: Connection;
  let temporal: Client;
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  /** Every token hubsync took from its provider, with the portal it asked for. */
  const handedOut = new Map<string, Set<string>>();
  /** Each such token's portal per HubSpot's token metadata, asked when the token was first handed out. */
  const issuedTo = new Map<string, Promise<string | undefined>>();
  let expireAtContactsPage: number | undefined;

  let sim: ReturnType<typeof simulatorAdmin>;
  const introspect = async (token: string): Promise<string | undefined> => {
    const res = await fetch(`${simulator.url}/oauth/v3/token/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token }).toString(),
    });
    const body = (await res.json()) as { active: boolean; hub_id?: number };
    return body.active && body.hub_id !== undefined ? String(body.hub_id) : undefined;
  };
  const refreshes = async () =>
    (await sim<{ byEndpoint: Record<string, number> }>('GET', '/__sim/counters')).byEndpoint[
      'POST /oauth/v3/token (refresh_token)'
    ] ?? 0;

  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      indexingLagMs: 0,
      portals: [
        { portalId: A, seed: { ...SEED.A, seedValue: 11 } },
        { portalId: B, seed: { ...SEED.B, seedValue: 22 } },
      ],
      oauth: { clientId: CLIENT_ID },
      webhooks: { clientSecret: CLIENT_SECRET, appId: '424242' },
    } as Parameters<typeof startSimulator>[0]);
    sim = simulatorAdmin(simulator.url);
    proxy = await startRecordingProxy(simulator.url);

    // A's contacts listed by the backfill: on the 2nd page HubSpot expires every live token of A.
    let contactsPagesOfA = 0;
    proxy.intercept((request) => {
      if (request.method !== 'GET' || request.path !== '/crm/v3/objects/contacts' || !request.token) return undefined;
      if (!handedOut.get(request.token)?.has(A)) return undefined;
      contactsPagesOfA += 1;
      if (contactsPagesOfA !== expireAtContactsPage) return undefined;
      void sim('POST', '/__sim/oauth/expire-tokens', { portalId: A });
      return {
        status: 401,
        body: JSON.stringify({
          status: 'error',
          category: 'EXPIRED_AUTHENTICATION',
          message: 'The OAuth token used to make this call expired 0 minute(s) ago.',
          correlationId: randomUUID(),
        }),
      };
    });

    const queue = `portals-${randomUUID()}`;
    const probe = await import('node:net').then(
      (net) =>
        new Promise<number>((resolve) => {
          const server = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as AddressInfo;
            server.close(() => resolve(port));
          });
        }),
    );
    appUrl = `http://127.0.0.1:${probe}`;
    const config = testConfig({
      HUBSPOT_APP_MODE: 'public',
      HUBSPOT_CLIENT_ID: CLIENT_ID,
      HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
      HUBSPOT_OAUTH_REDIRECT_URL: `${appUrl}/oauth/callback`,
      HUBSPOT_OAUTH_AUTHORIZE_URL: `${simulator.url}/oauth/authorize`,
      HUBSPOT_OAUTH_BASE_URL: simulator.url,
      HUBSPOT_BASE_URL: proxy.url,
      HUBSPOT_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      HUBSPOT_PORTAL_ID: '1',
      HUBSPOT_WEBHOOK_URL: `https://127.0.0.1:${probe}/webhooks/hubspot`,
      PORT: String(probe),
      TEMPORAL_TASK_QUEUE: queue,
      TEMPORAL_HUBSPOT_TASK_QUEUE: `${queue}-hubspot`,
      WEBHOOK_COALESCE_MS: '50',
    });
    runtime = createRuntime(config, 'test');
    const tokens = runtime.publicApp!.tokens;
    const record = (portalId: string, token: string | undefined) => {
      if (!token) return;
      if (!handedOut.has(token)) {
        handedOut.set(token, new Set());
        issuedTo.set(token, introspect(token));
      }
      handedOut.get(token)!.add(portalId);
    };
    const get = tokens.getAccessToken.bind(tokens);
    const after401 = tokens.refreshAfterUnauthorized.bind(tokens);
    tokens.getAccessToken = async (portalId) => {
      const token = await get(portalId);
      record(portalId, token);
      return token;
    };
    tokens.refreshAfterUnauthorized = async (portalId, rejected) => {
      const token = await after401(portalId, rejected);
      record(portalId, token);
      return token;
    };

    connection = await Connection.connect(temporalConnectionOptions(config));
    temporal = new Client({ connection });
    app = await buildApp({ ...runtime, temporal });
    await app.listen({ port: probe, host: '127.0.0.1' });
    worker = await startWorker(runtime);
    await sim('POST', '/__sim/webhooks/config', {
      targetUrl: `${appUrl}/webhooks/hubspot`,
      clientSecret: CLIENT_SECRET,
      appId: '424242',
      timeScale: 86_400,
    });
  });

  afterAll(async () => {
    await runtime?.prisma.installation.deleteMany({ where: { portalId: { in: [A, B] } } });
    worker?.workers.shutdown();
    await worker?.running;
    await app?.close();
    await proxy?.close();
    await simulator?.close();
    await Promise.allSettled([connection?.close(), worker?.native.close(), runtime?.prisma.$disconnect()]);
  });

  /** The browser's part: hubsync's install link → HubSpot's authorize page (approves) → hubsync's callback. */
  async function installThroughOAuth(portalId: string): Promise<string> {
    await sim('POST', '/__sim/oauth/next-install', { portalId, decision: 'approve' });
    const install = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const authorize = new URL(install.headers.get('location')!);
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const approved = await fetch(authorize, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    const callback = await fetch(approved.headers.get('location')!, { redirect: 'manual' });
    const page = await callback.text();
    expect({ status: callback.status, page }).toMatchObject({ status: 200 });
    return page;
  }

  async function backfillDone(portalId: string): Promise<boolean> {
    const done = await runtime.prisma.syncCursor.count({ where: { portalId, backfillCompletedAt: { not: null } } });
    return done === OBJECT_TYPES.length;
  }

  /** HubSpot ids of contacts both portals have (the simulator numbers every portal's records alike). */
  let shared: string[] = [];
  const contact = (portalId: string, hubspotId: string) =>
    runtime.prisma.contact.findUniqueOrThrow({ where: { portalId_hubspotId: { portalId, hubspotId } } });
  const simContact = (portalId: string, id: string) =>
    sim<{ properties: Record<string, string | null> }>('GET', `/__sim/objects/contacts/${id}?portalId=${portalId}`);

  it('installs both portals, backfills them apart, refreshing an expired token once with exact rows', async () => {
    // The operator prepared A's override before the customer installed (a reinstall keeps it too).
    await runtime.prisma.installation.create({
      data: { portalId: A, state: 'uninstalled', mappingOverride: A_OVERRIDE },
    });
    expireAtContactsPage = 2;
    expect(await installThroughOAuth(A)).toContain(`Connected HubSpot portal ${A}`);
    expect(await installThroughOAuth(B)).toContain(`Connected HubSpot portal ${B}`);

    const stored = await runtime.prisma.installation.findMany({ where: { portalId: { in: [A, B] } } });
    expect(stored.map((i) => i.state)).toEqual(['active', 'active']);
    for (const i of stored) expect(i.refreshToken).toMatch(/^v1\.k1\./); // encrypted at rest

    await waitFor('both backfills', async () => (await backfillDone(A)) && (await backfillDone(B)), 300_000, 500);
    expect(await refreshes()).toBe(1); // the expired token: one refresh, whatever else was in flight
    expect(await runtime.prisma.contact.count({ where: { portalId: A } })).toBe(SEED.A.contacts);
    expect(await runtime.prisma.contact.count({ where: { portalId: B } })).toBe(SEED.B.contacts);
    expect(await runtime.prisma.company.count({ where: { portalId: A } })).toBe(SEED.A.companies);
    expect(await runtime.prisma.company.count({ where: { portalId: B } })).toBe(SEED.B.companies);

    // The same HubSpot id in both portals: each row holds its own portal's record, with its own mapping.
    const idsOf = async (portalId: string) =>
      (await runtime.prisma.contact.findMany({ where: { portalId }, select: { hubspotId: true } })).map(
        (c) => c.hubspotId!,
      );
    const inA = new Set(await idsOf(A));
    shared = (await idsOf(B)).filter((id) => inA.has(id)).sort();
    expect(shared.length).toBeGreaterThanOrEqual(5);
    const [rowA, rowB, hubA, hubB] = await Promise.all([
      contact(A, shared[0]!),
      contact(B, shared[0]!),
      simContact(A, shared[0]!),
      simContact(B, shared[0]!),
    ]);
    expect(rowA.email).toBe(hubA.properties.email);
    expect(rowB.email).toBe(hubB.properties.email);
    expect(rowA.email).not.toBe(rowB.email);
    expect(rowA.firstName).toBe(hubA.properties.lastname); // A's override
    expect(rowB.firstName).toBe(hubB.properties.firstname); // B: the default mapping
  });

  it('syncs both ways per portal: A’s webhook lands in A only, B’s push goes to B only', async () => {
    const before = await contact(B, shared[1]!);
    await sim('PATCH', `/__sim/objects/contacts/${shared[1]}?portalId=${A}`, { properties: { lastname: 'Only-In-A' } });
    await waitFor('A’s webhook applied', async () => (await contact(A, shared[1]!)).firstName === 'Only-In-A', 60_000);
    expect((await contact(B, shared[1]!)).firstName).toBe(before.firstName);

    const headers = { authorization: `Bearer ${runtime.config.PLATFORM_API_KEY}`, 'content-type': 'application/json' };
    const rowB = await contact(B, shared[2]!);
    await runtime.prisma.contact.update({ where: { id: rowB.id }, data: { jobTitle: 'Pushed-To-B' } });
    const unnamed = await fetch(`${appUrl}/platform/changes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ changes: [{ objectType: 'contacts', localId: rowB.id }] }),
    });
    expect(unnamed.status).toBe(400);
    // The test database may hold other suites' installations too: at least A and B are active here.
    expect(((await unnamed.json()) as { message: string }).message).toMatch(
      /^changes\[0\]\.portalId: required \(\d+ portals are installed\)$/,
    );
    const unknown = await fetch(`${appUrl}/platform/changes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ portalId: '77', changes: [{ objectType: 'contacts', localId: rowB.id }] }),
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { message: string }).message).toContain('portal 77 is not installed');
    const accepted = await fetch(`${appUrl}/platform/changes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        portalId: B,
        changes: [{ objectType: 'contacts', localId: rowB.id, fields: ['jobTitle'] }],
      }),
    });
    expect(accepted.status).toBe(202);
    await waitFor(
      'B’s push in HubSpot',
      async () => (await simContact(B, shared[2]!)).properties.jobtitle === 'Pushed-To-B',
      60_000,
    );
    expect((await simContact(A, shared[2]!)).properties.jobtitle).not.toBe('Pushed-To-B');
  });

  it('a revoked refresh token breaks B alone: its schedule paused, its pushes refused by name; A keeps syncing', async () => {
    const refreshesBefore = await refreshes();
    await sim('POST', '/__sim/oauth/uninstall', { portalId: B });
    const rowB = await contact(B, shared[3]!);
    await runtime.prisma.contact.update({ where: { id: rowB.id }, data: { jobTitle: 'Never-Sent' } });
    const headers = { authorization: `Bearer ${runtime.config.PLATFORM_API_KEY}`, 'content-type': 'application/json' };
    const res = await fetch(`${appUrl}/platform/changes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        portalId: B,
        changes: [{ objectType: 'contacts', localId: rowB.id, fields: ['jobTitle'] }],
      }),
    });
    expect(res.status).toBe(202);
    const failure = await waitFor(
      'B’s push refused',
      () => runtime.prisma.syncFailure.findFirst({ where: { portalId: B, localId: rowB.id, resolvedAt: null } }),
      60_000,
    );
    expect(failure.message).toContain(`HubSpot portal ${B} is broken`);
    const installation = await runtime.prisma.installation.findUniqueOrThrow({ where: { portalId: B } });
    expect(installation.state).toBe('broken');
    expect(installation.stateReason).toBe('token refresh refused by HubSpot: invalid_grant');
    expect(await refreshes()).toBe(refreshesBefore + 1); // one refused refresh, not one per retry
    await waitFor('B’s schedule paused', async () => (await describeSyncSchedule(temporal, B)).state.paused);
    expect((await describeSyncSchedule(temporal, A)).state.paused).toBe(false);
    const metrics = await runtime.metrics.registry.metrics();
    expect(metrics).toContain(`hubsync_installations{portal_id="${B}",state="broken"} 1`);

    await sim('PATCH', `/__sim/objects/contacts/${shared[4]}?portalId=${A}`, {
      properties: { lastname: 'A-Still-Syncing' },
    });
    await waitFor(
      'A’s webhook after B broke',
      async () => (await contact(A, shared[4]!)).firstName === 'A-Still-Syncing',
      60_000,
    );
  });

  it('every request carried a token HubSpot issued to the portal hubsync meant', async () => {
    const wire = new Set(proxy.requests.flatMap((r) => (r.token ? [r.token] : [])));
    expect(wire.size).toBeGreaterThanOrEqual(3); // A's first, A's refreshed, B's
    for (const token of wire) {
      const meant = handedOut.get(token);
      expect(meant && [...meant]).toHaveLength(1); // never handed out for two portals
      const issued = await issuedTo.get(token);
      // Tokens expired or revoked since are inactive now; each was introspected when first handed out.
      expect(issued).toBe([...meant!][0]);
    }
  });
});
