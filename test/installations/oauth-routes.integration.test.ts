// GET /oauth/callback's refusals, route by route against the real database: HubSpot's refusal at the consent
// page, an expired, reused or forged state, and a code HubSpot refuses each answer a page saying what happened,
// and none of them stores an installation (nor calls HubSpot when the state is already wrong). HubSpot's token
// endpoints are a counting stand-in here; test/e2e/portals.integration.test.ts runs the success path against
// the simulator.
import { randomBytes, randomInt } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { HubSpotOAuthError, type TokenMetadata, type TokenSet } from '../../src/hubspot/oauth';
import { createInstallLink } from '../../src/installations/install-link';
import { oauthRoutes } from '../../src/installations/oauth-routes';
import { TokenCipher } from '../../src/installations/token-crypto';
import { createPrisma, type PrismaClient } from '../../src/store/prisma';
import { testDatabaseUrl } from '../support/env';
import { testConfig } from '../support/runtime';

const config = testConfig({
  HUBSPOT_APP_MODE: 'public',
  HUBSPOT_CLIENT_ID: 'routes-client-id',
  HUBSPOT_CLIENT_SECRET: 'routes-client-secret',
  HUBSPOT_OAUTH_REDIRECT_URL: 'http://127.0.0.1:1/oauth/callback',
  HUBSPOT_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
});
const cipher = new TokenCipher([{ id: 'k1', key: randomBytes(32) }]);

/** HubSpot's token endpoint: every code but `refused-code` is exchanged for tokens of the next portal id. */
class StandInOAuth {
  exchanged: string[] = [];
  portals: string[] = [];
  async exchangeCode(code: string): Promise<TokenSet> {
    this.exchanged.push(code);
    if (code === 'refused-code')
      throw new HubSpotOAuthError('HubSpot code exchange refused (400 BAD_AUTH_CODE)', true, 400, 'BAD_AUTH_CODE');
    const portalId = String(randomInt(3_000_000, 2_000_000_000));
    this.portals.push(portalId);
    return { accessToken: `access-for-${portalId}`, refreshToken: `refresh-for-${portalId}`, expiresInSeconds: 1800 };
  }
  async introspect(accessToken: string): Promise<TokenMetadata> {
    return { active: true, hubId: accessToken.replace('access-for-', ''), scopes: ['crm.objects.contacts.read'] };
  }
}

describe('GET /oauth/callback refusals', () => {
  let prisma: PrismaClient;
  let app: FastifyInstance;
  let oauth: StandInOAuth;
  const installed: string[] = [];

  beforeAll(async () => {
    prisma = createPrisma(testDatabaseUrl());
    oauth = new StandInOAuth();
    app = Fastify();
    await app.register(oauthRoutes, {
      config,
      prisma,
      cipher,
      oauth,
      onInstalled: async (portalId) => {
        installed.push(portalId);
      },
    });
    await app.ready();
  });

  afterAll(async () => {
    await prisma.installation.deleteMany({ where: { portalId: { in: oauth.portals } } });
    await app.close();
    await prisma.$disconnect();
  });

  /** A state made by hubsync's own install link (optionally `now` in the past, to have it expired). */
  async function freshState(now?: number): Promise<string> {
    const { url } = await createInstallLink(prisma, cipher, config, now);
    return new URL(url).searchParams.get('state')!;
  }

  async function callback(query: Record<string, string>) {
    const response = await app.inject({ method: 'GET', url: `/oauth/callback?${new URLSearchParams(query)}` });
    const title = /<h1>(.*)<\/h1>/.exec(response.body)?.[1];
    return { status: response.statusCode, title, body: response.body, type: response.headers['content-type'] };
  }

  async function storedInstallations(): Promise<number> {
    return prisma.installation.count({ where: { portalId: { in: oauth.portals } } });
  }

  it('the user refusing at HubSpot: a "cancelled" page naming HubSpot\'s answer, the state spent, nothing stored', async () => {
    const state = await freshState();
    const denied = await callback({ error: 'access_denied', error_description: 'The user denied access', state });
    expect(denied).toMatchObject({ status: 400, title: 'Installation cancelled', type: 'text/html; charset=utf-8' });
    expect(denied.body).toContain('HubSpot answered: access_denied (The user denied access).');
    expect(denied.body).toContain('Nothing was connected.');
    // The refused link cannot be replayed with a code afterwards.
    const replayed = await callback({ code: 'a-code', state });
    expect(replayed).toMatchObject({ status: 400, title: 'Installation failed' });
    expect(replayed.body).toContain('The install link was already used.');
    expect(oauth.exchanged).toEqual([]);
    expect(await storedInstallations()).toBe(0);
  });

  it('an expired state: "has expired", HubSpot not asked, nothing stored', async () => {
    const state = await freshState(Date.now() - 2 * config.HUBSPOT_OAUTH_STATE_TTL_MS);
    const expired = await callback({ code: 'a-code', state });
    expect(expired).toMatchObject({ status: 400, title: 'Installation failed' });
    expect(expired.body).toContain('The install link has expired.');
    expect(expired.body).toContain('Start again from a new install link.');
    expect(oauth.exchanged).toEqual([]);
    expect(await storedInstallations()).toBe(0);
  });

  it('forged, altered or missing states: "not one hubsync made", HubSpot not asked, nothing stored', async () => {
    const [nonce, expiry, signature] = (await freshState()).split('.') as [string, string, string];
    const longer = (parseInt(expiry, 36) + 86_400_000).toString(36);
    const forged = [
      `${nonce}.${longer}.${signature}`, // expiry moved: the signature no longer matches
      `${randomBytes(24).toString('base64url')}.${expiry}.${signature}`,
      `${nonce}.${expiry}.${'A'.repeat(signature.length)}`,
      `${nonce}.${expiry}`,
    ];
    for (const state of forged) {
      const page = await callback({ code: 'a-code', state });
      expect(page).toMatchObject({ status: 400, title: 'Installation failed' });
      expect(page.body).toContain('The install link is not one hubsync made (or it was altered).');
    }
    const missing = await callback({ code: 'a-code' });
    expect(missing.body).toContain('The install link is not one hubsync made');
    expect(oauth.exchanged).toEqual([]);
    expect(await storedInstallations()).toBe(0);
  });

  it('a code HubSpot refuses: the refusal on the page (not the code), nothing stored', async () => {
    const state = await freshState();
    const refused = await callback({ code: 'refused-code', state });
    expect(refused).toMatchObject({ status: 400, title: 'Installation failed' });
    expect(refused.body).toContain(
      'HubSpot refused the authorization: HubSpot code exchange refused (400 BAD_AUTH_CODE).',
    );
    expect(refused.body).not.toContain('refused-code');
    expect(oauth.exchanged).toEqual(['refused-code']);
    expect(await storedInstallations()).toBe(0);
    expect(installed).toEqual([]);
  });

  it('a state used once by a good install is refused the second time: the first portal stored, the second call nothing', async () => {
    oauth.exchanged = [];
    const state = await freshState();
    const first = await callback({ code: 'good-code', state });
    expect(first.status).toBe(200);
    const [portalId] = oauth.portals;
    expect(first.title).toBe(`Connected HubSpot portal ${portalId}`);
    expect(installed).toEqual([portalId]);

    const second = await callback({ code: 'another-code', state });
    expect(second).toMatchObject({ status: 400, title: 'Installation failed' });
    expect(second.body).toContain('The install link was already used.');
    expect(oauth.exchanged).toEqual(['good-code']);
    expect(installed).toEqual([portalId]);
    expect(await storedInstallations()).toBe(1);
  });
});
