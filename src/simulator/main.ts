// CLI: `npm run simulator -- --port 3990 --seed 1000 --webhook-url http://127.0.0.1:3000/webhooks/hubspot`.
// Public-app accounts: `--public-portals 2001,2002 --oauth-redirect-uri http://localhost:3000/oauth/callback`.
import { startSimulator, type SimulatorOptions } from './index';
import type { Tier } from './rate-limit';
import type { SeedOptions } from './seed';
import type { SignatureVersion } from './signatures';

const NUMERIC = new Set([
  'port',
  'requests-per-10s',
  'daily-limit',
  'seed',
  'seed-contacts',
  'seed-companies',
  'seed-deals',
  'seed-tickets',
  'seed-tasks',
  'seed-value',
  'time-scale',
  'indexing-lag-ms',
  'max-url-length',
  'foreign-events-every',
  'access-token-ttl-seconds',
  'auth-code-ttl-seconds',
]);
const STRING = new Set([
  'host',
  'portal-id',
  'token',
  'tier',
  'time-zone',
  'webhook-url',
  'client-secret',
  'app-id',
  'signature-version',
  'admin-token',
  'webhook-format',
  'public-portals',
  'oauth-client-id',
  'oauth-redirect-uri',
]);
const BOOLEAN = new Set(['retry-after', 'oauth-auto-approve']);

function parseArgs(argv: string[]): Map<string, string | number | boolean> {
  const out = new Map<string, string | number | boolean>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (BOOLEAN.has(name)) {
      out.set(name, inline === undefined ? true : inline !== 'false');
      continue;
    }
    if (!NUMERIC.has(name) && !STRING.has(name)) throw new Error(`unknown flag --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (NUMERIC.has(name)) {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
      out.set(name, n);
    } else out.set(name, value);
  }
  return out;
}

export function optionsFromArgs(argv: string[]): SimulatorOptions {
  const a = parseArgs(argv);
  const num = (k: string): number | undefined => a.get(k) as number | undefined;
  const str = (k: string): string | undefined => a.get(k) as string | undefined;
  const tier = str('tier') as Tier | undefined;
  if (tier && !['starter', 'professional', 'enterprise', 'increased', 'public-app', 'unlimited'].includes(tier))
    throw new Error(`unknown tier ${tier}`);
  const sig = str('signature-version') as SignatureVersion | undefined;
  if (sig && !['v1', 'v2', 'v3'].includes(sig)) throw new Error('--signature-version must be v1, v2 or v3');
  const format = str('webhook-format');
  if (format && format !== 'legacy' && format !== 'generic')
    throw new Error('--webhook-format must be legacy or generic');
  const seed: SeedOptions = { seedValue: num('seed-value') ?? 1, all: num('seed') };
  for (const t of ['contacts', 'companies', 'deals', 'tickets', 'tasks'] as const) {
    const n = num(`seed-${t}`);
    if (n !== undefined) seed[t] = n;
  }
  const seeding =
    seed.all !== undefined ||
    ['contacts', 'companies', 'deals', 'tickets', 'tasks'].some((t) => seed[t as keyof SeedOptions] !== undefined);
  const publicPortals = (str('public-portals') ?? '').split(',').filter(Boolean);
  for (const id of publicPortals)
    if (!/^\d{1,12}$/.test(id)) throw new Error(`--public-portals takes account ids (digits), got ${id}`);
  const ttl = (k: string): number | undefined => {
    const n = num(k);
    if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new Error(`--${k} must be a positive integer`);
    return n;
  };
  const redirects = str('oauth-redirect-uri')?.split(',').filter(Boolean);
  return {
    port: num('port') ?? 3990,
    host: str('host') ?? '127.0.0.1',
    portals: [
      {
        portalId: str('portal-id') ?? '1000001',
        token: str('token') ?? 'sim-token-demo',
        tier: tier ?? 'professional',
        requestsPer10s: num('requests-per-10s'),
        dailyLimit: num('daily-limit'),
        timeZone: str('time-zone'),
      },
      // Accounts with no private-app token: reached once they install the app; each gets its own seed data.
      ...publicPortals.map((portalId, i) => ({
        portalId,
        timeZone: str('time-zone'),
        seed: seeding ? { ...seed, seedValue: (seed.seedValue ?? 1) + i + 1 } : undefined,
      })),
    ],
    oauth: {
      clientId: str('oauth-client-id'),
      redirectUris: redirects && redirects.length > 0 ? redirects : undefined,
      accessTokenTtlSeconds: ttl('access-token-ttl-seconds'),
      authCodeTtlSeconds: ttl('auth-code-ttl-seconds'),
      autoApprove: a.get('oauth-auto-approve') === true ? true : undefined,
    },
    indexingLagMs: num('indexing-lag-ms') ?? 3000,
    seed: seeding ? seed : undefined,
    webhooks: {
      targetUrl: str('webhook-url') ?? null,
      clientSecret: str('client-secret'),
      appId: str('app-id'),
      signatureVersion: sig,
      subscriptionFormat: format as 'legacy' | 'generic' | undefined,
      foreignEventsEvery: num('foreign-events-every'),
    },
    timeScale: num('time-scale'),
    retryAfterHeader: a.get('retry-after') === true,
    adminToken: str('admin-token'),
    maxUrlLength: num('max-url-length'),
  };
}

async function main(): Promise<void> {
  const options = optionsFromArgs(process.argv.slice(2));
  const sim = await startSimulator(options);
  const seeded = sim.seedResult ? ` (seeded ${JSON.stringify(sim.seedResult.counts)})` : '';
  console.log(`HubSpot simulator listening on ${sim.url}${seeded}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, stopping`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`simulator: ${(err as Error).message}`);
    process.exit(1);
  });
}
