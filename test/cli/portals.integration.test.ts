// `hubsync portals` as an operator runs it (a real process, configured by its environment) against the real
// database and Temporal: the list (state, last sync, lag, open failures, tier), install links, pause / resume /
// remove and their refusals. HubSpot's revocation endpoint is a recording stand-in (the CLI only calls it on remove).
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { ACCESS_PURPOSE, REFRESH_PURPOSE } from '../../src/installations/oauth-token-provider';
import { TokenCipher } from '../../src/installations/token-crypto';
import { startInstallation } from '../../src/installations/lifecycle';
import { describeSyncSchedule } from '../../src/scheduled/schedules';
import { findInstallation, saveInstalled, setRateTier } from '../../src/store/installations';
import { createPrisma, type PrismaClient } from '../../src/store/prisma';
import { outboxRelayWorkflowId, syncScheduleId } from '../../src/workflow-safe/ids';
import { temporalAddress, testDatabaseUrl } from '../support/env';
import { testConfig } from '../support/runtime';
import { runHubsync, type CliRun } from './spawn-cli';

jest.setTimeout(180_000);

const tokenKey = randomBytes(32);
const cipher = new TokenCipher([{ id: 'k1', key: tokenKey }]);
const queue = `cli-portals-${randomUUID()}`;
const [active, other] = [randomInt(3_000_000, 1_000_000_000), randomInt(1_000_000_000, 2_000_000_000)].map(String) as [
  string,
  string,
];

describe('hubsync portals', () => {
  let prisma: PrismaClient;
  let connection: Connection;
  let client: Client;
  let hubspot: Server;
  const revoked: string[] = [];
  let env: Record<string, string>;
  const cli = (...argv: string[]): Promise<CliRun> => runHubsync(env, 'portals', ...argv);

  beforeAll(async () => {
    prisma = createPrisma(testDatabaseUrl());
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection });
    hubspot = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url === '/oauth/v3/token/revoke') revoked.push(new URLSearchParams(body).get('token') ?? '');
        res.writeHead(req.url === '/oauth/v3/token/revoke' ? 200 : 404, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => hubspot.listen(0, '127.0.0.1', resolve));
    const hubspotUrl = `http://127.0.0.1:${(hubspot.address() as AddressInfo).port}`;
    env = {
      DATABASE_URL: testDatabaseUrl(),
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: queue,
      TEMPORAL_HUBSPOT_TASK_QUEUE: `${queue}-hubspot`,
      HUBSPOT_APP_MODE: 'public',
      HUBSPOT_CLIENT_ID: 'cli-client-id',
      HUBSPOT_CLIENT_SECRET: 'cli-client-secret',
      HUBSPOT_OAUTH_REDIRECT_URL: 'https://hubsync.example.com/oauth/callback',
      HUBSPOT_OAUTH_AUTHORIZE_URL: 'https://app.hubspot.com/oauth/authorize',
      HUBSPOT_OAUTH_BASE_URL: hubspotUrl,
      HUBSPOT_TOKEN_KEYS: `k1:${tokenKey.toString('base64')}`,
      LOG_LEVEL: 'silent',
    };
    const config = testConfig(env);
    for (const portalId of [active, other]) {
      await saveInstalled(
        prisma,
        portalId,
        {
          accessToken: cipher.encrypt(`access-${portalId}`, ACCESS_PURPOSE),
          refreshToken: cipher.encrypt(`refresh-${portalId}`, REFRESH_PURPOSE),
          accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
          tokenKeyId: 'k1',
        },
        { scopes: ['crm.objects.contacts.read'] },
      );
      // Schedule and relay, as an install starts them (nothing polls this queue: they only need to exist).
      await startInstallation(client, config, portalId, { backfill: false });
    }
    await setRateTier(prisma, other, 'increased');
    const failure = { objectType: 'contacts', direction: 'outbound', operation: 'update', category: 'validation' };
    await prisma.syncFailure.createMany({
      data: [
        { ...failure, portalId: active, message: 'open one' },
        { ...failure, portalId: active, message: 'open two' },
        { ...failure, portalId: active, message: 'resolved', resolvedAt: new Date() },
        { ...failure, portalId: other, message: 'of the other portal' },
      ],
    });
    const finishedAt = new Date(Date.now() - 5 * 60_000);
    await prisma.syncRun.create({
      data: {
        portalId: active,
        direction: 'inbound',
        trigger: 'schedule',
        status: 'completed',
        workflowId: 'cli-portals',
        finishedAt,
      },
    });
  });

  afterAll(async () => {
    for (const portalId of [active, other]) {
      await client.schedule
        .getHandle(syncScheduleId(portalId))
        .delete()
        .catch(() => undefined);
      await client.workflow
        .getHandle(outboxRelayWorkflowId(portalId))
        .terminate('test over')
        .catch(() => undefined);
    }
    await prisma.syncFailure.deleteMany({ where: { portalId: { in: [active, other] } } });
    await prisma.syncRun.deleteMany({ where: { portalId: { in: [active, other] } } });
    await prisma.installation.deleteMany({ where: { portalId: { in: [active, other] } } });
    await Promise.all([prisma.$disconnect(), connection.close()]);
    await new Promise((resolve) => hubspot.close(resolve));
  });

  const relayRunning = async (portalId: string): Promise<boolean> => {
    try {
      return (await client.workflow.getHandle(outboxRelayWorkflowId(portalId)).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };

  it('lists each installation: state, last sync, open failures, tier (JSON and the table)', async () => {
    const json = await cli('--json');
    expect(json.code).toBe(0);
    const rows = JSON.parse(json.out) as Array<Record<string, unknown>>;
    const of = (portalId: string) => rows.find((r) => r.portalId === portalId);
    expect(of(active)).toMatchObject({ state: 'active', openFailures: 2, rateTier: 'public-app', reason: null });
    expect(of(other)).toMatchObject({ state: 'active', openFailures: 1, rateTier: 'increased', lastSyncAt: null });
    expect(of(active)?.lastSyncAt).not.toBeNull();

    const table = await cli();
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/portal\s+state\s+last sync\s+lag\s+open failures\s+tier/);
    expect(table.out).toMatch(new RegExp(`${active}\\s+active\\s+5m ago\\s+-\\s+2\\s+public-app`));
  });

  it('install-url: an authorize link with the client id, redirect URL and a single-use state it stored', async () => {
    const made = await cli('install-url');
    expect(made.code).toBe(0);
    const url = new URL(made.out.split('\n')[0]!);
    expect(`${url.origin}${url.pathname}`).toBe('https://app.hubspot.com/oauth/authorize');
    expect(url.searchParams.get('client_id')).toBe('cli-client-id');
    expect(url.searchParams.get('redirect_uri')).toBe('https://hubsync.example.com/oauth/callback');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]+\.[0-9a-z]+\.[\w-]+$/);
    expect(made.out).toMatch(/single use, valid until \d{4}-\d\d-\d\dT/);
    // The state's first part names the row it stored (counting rows would race with the pruning of expired ones).
    const nonce = url.searchParams.get('state')!.split('.')[0]!;
    const stored = await prisma.oAuthState.findUnique({ where: { nonce } });
    expect(stored?.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it('pause stops the schedule and the relay; resume starts them again', async () => {
    expect(await relayRunning(active)).toBe(true);
    const paused = await cli('pause', active);
    expect(paused).toMatchObject({ code: 0 });
    expect(paused.out).toContain(`portal ${active} paused`);
    expect((await findInstallation(prisma, active))?.state).toBe('paused');
    expect((await describeSyncSchedule(client, active)).state.paused).toBe(true);
    expect(await relayRunning(active)).toBe(false);

    const resumed = await cli('resume', active);
    expect(resumed).toMatchObject({ code: 0, out: `portal ${active} resumed\n` });
    expect((await findInstallation(prisma, active))?.state).toBe('active');
    expect((await describeSyncSchedule(client, active)).state.paused).toBe(false);
    expect(await relayRunning(active)).toBe(true);
  });

  it('remove --delete-rows revokes the refresh token at HubSpot, erases the tokens, deletes the schedule and the rows', async () => {
    const removed = await cli('remove', other, '--delete-rows');
    expect(removed.code).toBe(0);
    expect(removed.out).toMatch(
      new RegExp(`portal ${other} removed: tokens erased and revoked at HubSpot, schedule deleted, \\d+ rows deleted`),
    );
    expect(revoked).toEqual([`refresh-${other}`]);
    const row = await findInstallation(prisma, other);
    expect(row).toMatchObject({ state: 'uninstalled', refreshToken: null, accessToken: null });
    await expect(describeSyncSchedule(client, other)).rejects.toThrow();
    expect(await relayRunning(other)).toBe(false);
    expect(await prisma.syncFailure.count({ where: { portalId: other } })).toBe(0);
    // The other installation is untouched.
    expect(await prisma.syncFailure.count({ where: { portalId: active, resolvedAt: null } })).toBe(2);
    expect(await relayRunning(active)).toBe(true);

    const again = await cli('resume', other);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`portal ${other} is uninstalled: it resumes when the app is installed again`);
  });

  it('refuses a portal that is not installed, a non-numeric id, an unknown action, and a portal where none is taken', async () => {
    const unknown = await cli('pause', '99');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('portal 99 is not installed');
    const word = await cli('pause', 'acme');
    expect(word.code).toBe(2);
    expect(word.err).toContain('portals pause needs a numeric portal id');
    const action = await cli('delete', active);
    expect(action.code).toBe(2);
    expect(action.err).toContain('usage: hubsync portals [list|install-url|pause|resume|remove]');
    const extra = await cli('install-url', active);
    expect(extra.code).toBe(2);
    expect(extra.err).toContain('portals install-url takes no portal id');
  });
});
