// A public app's portal is held to its installation's rate tier, and a tier changed in the table applies to
// the running process's next call (no restart): the client is built once, its limiter follows the directory.
import { randomBytes, randomInt } from 'node:crypto';
import { safetyMargin } from '../../src/hubspot/rate-limiter';
import { ACCESS_PURPOSE, REFRESH_PURPOSE } from '../../src/installations/oauth-token-provider';
import { createRuntime, type Runtime } from '../../src/runtime';
import { saveInstalled, setRateTier } from '../../src/store/installations';
import { testConfig } from '../support/runtime';

const capacity = (requestsPer10s: number) => requestsPer10s - safetyMargin(requestsPer10s);

describe('an installation rate tier', () => {
  let runtime: Runtime;
  const portalId = String(randomInt(3_000_000, 2_000_000_000));

  beforeAll(async () => {
    runtime = createRuntime(
      testConfig({
        HUBSPOT_APP_MODE: 'public',
        HUBSPOT_CLIENT_ID: 'client-id',
        HUBSPOT_OAUTH_REDIRECT_URL: 'http://127.0.0.1:1/oauth/callback',
        HUBSPOT_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        // A stand-in for an address nothing else uses: limiters are per base URL and portal.
        HUBSPOT_BASE_URL: `http://127.0.0.1:1/rate-tier-${portalId}`,
        INSTALLATIONS_CACHE_MS: '0',
      }),
      'test',
    );
    const cipher = runtime.publicApp!.cipher;
    await saveInstalled(
      runtime.prisma,
      portalId,
      {
        accessToken: cipher.encrypt('access', ACCESS_PURPOSE),
        refreshToken: cipher.encrypt('refresh', REFRESH_PURPOSE),
        accessTokenExpiresAt: new Date(Date.now() + 3_600_000),
        tokenKeyId: 'k1',
      },
      { scopes: [] },
    );
  });

  afterAll(async () => {
    await runtime.prisma.installation.deleteMany({ where: { portalId } });
    await runtime.prisma.$disconnect();
  });

  it('is the public-app budget by default, and a change takes effect without building a new client', async () => {
    await runtime.mappingFor(portalId); // what every activity reads first: the directory re-reads the table
    const client = runtime.hubspotFor(portalId);
    expect(client.limiter.generalCapacity).toBe(capacity(110));

    await setRateTier(runtime.prisma, portalId, 'increased');
    await runtime.mappingFor(portalId);
    expect(runtime.hubspotFor(portalId)).toBe(client);
    expect(client.limiter.generalCapacity).toBe(capacity(250));

    await setRateTier(runtime.prisma, portalId, 'starter');
    await runtime.mappingFor(portalId);
    runtime.hubspotFor(portalId);
    expect(client.limiter.generalCapacity).toBe(capacity(100));
  });
});
