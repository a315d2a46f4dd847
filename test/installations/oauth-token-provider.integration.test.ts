import { randomBytes, randomInt } from 'node:crypto';
import { HubSpotOAuthError, type TokenSet } from '../../src/hubspot/oauth';
import { HubSpotAuthError, HubSpotServerError } from '../../src/hubspot';
import { ACCESS_PURPOSE, OAuthTokenProvider, REFRESH_PURPOSE } from '../../src/installations/oauth-token-provider';
import { TokenCipher } from '../../src/installations/token-crypto';
import { findInstallation, saveInstalled } from '../../src/store/installations';
import { createPrisma, type PrismaClient } from '../../src/store/prisma';
import { testDatabaseUrl } from '../support/env';

// Two providers on one database stand for two processes (worker and server): the row lock makes one of them
// refresh and the other take what it stored. HubSpot's token endpoint is a counting stand-in here; the
// end-to-end test (test/e2e/portals.integration.test.ts) runs the same provider against the simulator.

const cipher = new TokenCipher([{ id: 'k1', key: randomBytes(32) }]);

class CountingOAuth {
  calls: string[] = [];
  refuse = false;
  fail = false;
  #n = 0;
  async refresh(refreshToken: string): Promise<TokenSet> {
    this.calls.push(refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 50)); // long enough for the other caller to queue
    if (this.refuse)
      throw new HubSpotOAuthError('HubSpot token refresh refused (400 invalid_grant)', true, 400, 'invalid_grant');
    if (this.fail) throw new HubSpotOAuthError('HubSpot token refresh refused (503)', false, 503);
    this.#n += 1;
    return {
      accessToken: `access-${this.#n}-${refreshToken}`,
      refreshToken: `${refreshToken}`,
      expiresInSeconds: 1800,
    };
  }
}

describe('OAuthTokenProvider', () => {
  let prisma: PrismaClient;
  beforeAll(() => {
    prisma = createPrisma(testDatabaseUrl());
  });
  const installed: string[] = [];
  afterAll(async () => {
    await prisma.installation.deleteMany({ where: { portalId: { in: installed } } });
    await prisma.$disconnect();
  });

  async function install(accessExpiresInMs: number): Promise<string> {
    const portalId = String(randomInt(3_000_000, 2_000_000_000));
    installed.push(portalId);
    await saveInstalled(
      prisma,
      portalId,
      {
        accessToken: cipher.encrypt(`initial-${portalId}`, ACCESS_PURPOSE),
        refreshToken: cipher.encrypt(`refresh-${portalId}`, REFRESH_PURPOSE),
        accessTokenExpiresAt: new Date(Date.now() + accessExpiresInMs),
        tokenKeyId: 'k1',
      },
      { scopes: ['crm.objects.contacts.read'] },
    );
    return portalId;
  }

  const provider = (oauth: CountingOAuth, onBroken?: (portalId: string, reason: string) => Promise<void>) =>
    new OAuthTokenProvider({
      prisma,
      cipher,
      oauth,
      refreshMarginMs: 5 * 60_000,
      recheckMs: 60_000,
      ...(onBroken ? { onBroken } : {}),
    });

  it('uses the stored token while it is fresh: no refresh', async () => {
    const portalId = await install(30 * 60_000);
    const oauth = new CountingOAuth();
    await expect(provider(oauth).getAccessToken(portalId)).resolves.toBe(`initial-${portalId}`);
    expect(oauth.calls).toEqual([]);
  });

  it('an expiring token is refreshed once across two processes and many concurrent callers', async () => {
    const portalId = await install(60_000); // inside the 5-minute margin
    const oauth = new CountingOAuth();
    const [a, b] = [provider(oauth), provider(oauth)];
    const tokens = await Promise.all(
      [...Array(5)].flatMap(() => [a.getAccessToken(portalId), b.getAccessToken(portalId)]),
    );
    expect(oauth.calls).toEqual([`refresh-${portalId}`]);
    expect(new Set(tokens)).toEqual(new Set([`access-1-refresh-${portalId}`]));
    const row = await findInstallation(prisma, portalId);
    expect(row?.refreshCount).toBe(1);
    expect(row?.accessToken).not.toContain('access-1'); // stored encrypted
    expect(cipher.decrypt(row!.accessToken!, ACCESS_PURPOSE)).toBe(`access-1-refresh-${portalId}`);
  });

  it('a 401 refreshes once even while the stored token looks fresh; the same rejection twice refreshes once', async () => {
    const portalId = await install(30 * 60_000);
    const oauth = new CountingOAuth();
    const [a, b] = [provider(oauth), provider(oauth)];
    const rejected = await a.getAccessToken(portalId);
    const [fromA, fromB] = await Promise.all([
      a.refreshAfterUnauthorized(portalId, rejected),
      b.refreshAfterUnauthorized(portalId, rejected),
    ]);
    expect(oauth.calls).toHaveLength(1);
    expect(fromA).toBe(fromB);
    expect(fromA).not.toBe(rejected);
  });

  it('a refused refresh marks the installation broken, tells onBroken, and later calls fail clearly without HubSpot', async () => {
    const portalId = await install(0);
    const oauth = new CountingOAuth();
    oauth.refuse = true;
    const broken: string[] = [];
    const p = provider(oauth, async (id, reason) => void broken.push(`${id}: ${reason}`));
    const err = (await p.getAccessToken(portalId).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(HubSpotAuthError); // not retried by Temporal; a push records it as a failure
    expect(err.message).toBe(
      `HubSpot portal ${portalId} is broken (token refresh refused by HubSpot: invalid_grant): install the app again (hubsync portals install-url)`,
    );
    expect(err.message).not.toContain(`refresh-${portalId}`);
    expect(broken).toEqual([`${portalId}: token refresh refused by HubSpot: invalid_grant`]);
    const row = await findInstallation(prisma, portalId);
    expect(row?.state).toBe('broken');

    await expect(provider(oauth).getAccessToken(portalId)).rejects.toThrow(/is broken/);
    expect(oauth.calls).toHaveLength(1); // the broken installation is not asked for again
  });

  it('HubSpot unavailable during a refresh is retryable and leaves the installation active', async () => {
    const portalId = await install(0);
    const oauth = new CountingOAuth();
    oauth.fail = true;
    await expect(provider(oauth).getAccessToken(portalId)).rejects.toBeInstanceOf(HubSpotServerError);
    expect((await findInstallation(prisma, portalId))?.state).toBe('active');
  });

  it('an unknown portal is refused by name', async () => {
    await expect(provider(new CountingOAuth()).getAccessToken('999')).rejects.toThrow(
      'HubSpot portal 999 is not installed: install the app again (hubsync portals install-url)',
    );
  });
});
