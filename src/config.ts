import { z } from 'zod';

// The one place hubsync reads its environment. Defaults are the embedded demo stack (local PostgreSQL,
// local Temporal dev server, the bundled HubSpot simulator); every variable is documented in .env.example.

const RATE_TIERS = ['starter', 'professional', 'enterprise', 'increased', 'public-app'] as const;
export type RateTier = (typeof RATE_TIERS)[number];

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const durationMs = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];
const HOUR_MS = 60 * 60 * 1000;
const words = (v: string) => v.split(/[\s,]+/).filter(Boolean);

/** The scopes the sync needs (see README, "Configuring a real HubSpot portal"). */
export const DEFAULT_OAUTH_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'tickets',
  'crm.objects.owners.read',
  'settings.users.read',
  'crm.schemas.contacts.read',
  'crm.schemas.companies.read',
  'crm.schemas.deals.read',
  'crm.schemas.companies.write',
  'crm.schemas.deals.write',
];

/** Parses HUBSPOT_TOKEN_KEYS into key id → 32-byte key, first = current; throws naming the bad entry only. */
export function parseTokenKeys(value: string): Array<{ id: string; key: Buffer }> {
  const problem = tokenKeysProblem(value);
  if (problem) throw new Error(`HUBSPOT_TOKEN_KEYS: ${problem}`);
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      return { id: entry.slice(0, at), key: Buffer.from(entry.slice(at + 1), 'base64') };
    });
}

function tokenKeysProblem(value: string): string | undefined {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return 'needs at least one id:base64key entry';
  const ids = new Set<string>();
  for (const [i, entry] of entries.entries()) {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) return `entry ${i + 1}: the key id must be 1-32 letters, digits, - or _`;
    if (ids.has(id)) return `entry ${i + 1}: key id ${id} appears twice`;
    ids.add(id);
    const b64 = entry.slice(at + 1);
    if (!/^[A-Za-z0-9+/]{43}=$/.test(b64) || Buffer.from(b64, 'base64').length !== 32)
      return `key ${id}: must be 32 bytes, base64-encoded (openssl rand -base64 32)`;
  }
  return undefined;
}

// The demo stack's secrets. They are public (this file, .env.example, the README), so in production a process
// whose secret would be one of them refuses to start: anyone could sign webhooks or call the platform API.
const REPOSITORY_SECRETS = {
  HUBSPOT_ACCESS_TOKEN: 'sim-token-demo',
  HUBSPOT_CLIENT_SECRET: 'sim-client-secret-demo',
  PLATFORM_API_KEY: 'platform-demo-key-change-me',
} as const;

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
      .default('postgresql://postgres@127.0.0.1:5432/hubsync'),

    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[^:\s]+:\d+$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('hubsync'),
    TEMPORAL_HUBSPOT_TASK_QUEUE: z.string().min(1).default('hubsync-hubspot'),
    // The cluster runs with matching.enableFairness: the HubSpot queue's rate is one budget per portal (its
    // fairness key), set with UpdateTaskQueueConfig, instead of one budget all portals share.
    TEMPORAL_FAIRNESS: flag.default(false),
    TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
    // TLS turns on by itself when a CA, a client certificate or an API key is set; TEMPORAL_TLS=true alone trusts
    // the system's CAs (Temporal Cloud).
    TEMPORAL_TLS: flag.optional(),
    TEMPORAL_TLS_CA_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_CERT_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_KEY_FILE: z.string().min(1).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
    TEMPORAL_API_KEY: z.string().min(1).optional(),
    // 32 random bytes, base64 (`openssl rand -base64 32`): every Temporal payload is then AES-256-GCM encrypted.
    TEMPORAL_PAYLOAD_KEY: z
      .string()
      .refine(
        (v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32,
        'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      )
      .optional(),

    HUBSPOT_BASE_URL: z.string().url().default('http://127.0.0.1:3990'),
    HUBSPOT_ACCESS_TOKEN: z.string().min(1).default(REPOSITORY_SECRETS.HUBSPOT_ACCESS_TOKEN),
    HUBSPOT_CLIENT_SECRET: z.string().min(1).default(REPOSITORY_SECRETS.HUBSPOT_CLIENT_SECRET),
    HUBSPOT_APP_ID: z.string().regex(/^\d+$/, 'must be a numeric app id').default('424242'),
    HUBSPOT_PORTAL_ID: z.string().regex(/^\d+$/, 'must be a numeric portal id').default('1000001'),
    HUBSPOT_WEBHOOK_URL: z.string().url().default('http://127.0.0.1:3000/webhooks/hubspot'),
    HUBSPOT_WEBHOOK_SIGNATURE_VERSION: z.enum(['v1', 'v2', 'v3']).default('v3'),
    HUBSPOT_RATE_TIER: z.enum(RATE_TIERS).default('professional'),
    HUBSPOT_REQUESTS_PER_10S: z.coerce.number().int().positive().optional(),
    HUBSPOT_REQUEST_TIMEOUT_MS: positiveInt(30_000),
    HUBSPOT_MAX_CONCURRENCY: positiveInt(8),
    HUBSPOT_ACCOUNT_TIMEZONE: z.string().min(1).default('UTC'),

    // Public-app mode (many portals, OAuth installs). `private` keeps the single static token above.
    HUBSPOT_APP_MODE: z.enum(['private', 'public']).default('private'),
    HUBSPOT_CLIENT_ID: z.string().min(1).optional(),
    HUBSPOT_OAUTH_REDIRECT_URL: z.string().url().optional(),
    HUBSPOT_OAUTH_AUTHORIZE_URL: z.string().url().default('https://app.hubspot.com/oauth/authorize'),
    /** Where /oauth/v3/token and /oauth/v3/token/introspect live (api.hubapi.com; the simulator in the demo). */
    HUBSPOT_OAUTH_BASE_URL: z.string().url().optional(),
    HUBSPOT_OAUTH_SCOPES: z.string().min(1).default(DEFAULT_OAUTH_SCOPES.join(' ')).transform(words),
    HUBSPOT_OAUTH_OPTIONAL_SCOPES: z.string().default('').transform(words),
    HUBSPOT_OAUTH_PKCE: flag.default(true),
    HUBSPOT_OAUTH_STATE_TTL_MS: z.coerce
      .number()
      .int()
      .min(10_000)
      .max(HOUR_MS)
      .default(10 * 60_000),
    /** An access token is refreshed when it has less than this left (HubSpot's live 30 minutes). */
    HUBSPOT_TOKEN_REFRESH_MARGIN_MS: durationMs(5 * 60_000),
    /** `id:base64key,…` (32-byte keys, `openssl rand -base64 32`); the first encrypts, all decrypt (rotation). */
    HUBSPOT_TOKEN_KEYS: z
      .string()
      .optional()
      .superRefine((v, ctx) => {
        if (v === undefined) return;
        const problem = tokenKeysProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    /** How long a process trusts what it read of the installations table (state, mapping override, tier). */
    INSTALLATIONS_CACHE_MS: durationMs(2_000),

    PORT: port(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** The worker's own /metrics listener (its HubSpot, apply and push counters); 0 turns it off. */
    WORKER_METRICS_PORT: port(9464),
    /** The admin listener: /metrics, /readyz, /healthz and the codec server, apart from the public webhook port. */
    ADMIN_PORT: port(9465),
    ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
    /** Bearer token the codec server requires; mandatory when ADMIN_HOST is not a loopback address. */
    CODEC_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** No codec token although ADMIN_HOST is not loopback: the network restricts who reaches it (e.g. a container
     * port published on the host's loopback only, as docker-compose.yml does). */
    CODEC_UNAUTHENTICATED: flag.default(false),
    /** Browser origins allowed to call the codec server (comma-separated): the Temporal Web UI's. */
    CODEC_CORS_ORIGINS: z
      .string()
      .default('http://127.0.0.1:8233,http://localhost:8233')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    PLATFORM_API_KEY: z.string().min(16, 'must be at least 16 characters').default(REPOSITORY_SECRETS.PLATFORM_API_KEY),

    SYNC_INTERVAL_MS: durationMs(60 * 60 * 1000),
    SYNC_WINDOW_OVERLAP_MS: durationMs(5 * 60 * 1000),
    LINK_CHECK_INTERVAL_MS: durationMs(24 * 60 * 60 * 1000),
    /** One run's link check archives at most this share of a type's linked rows, or MASS_ARCHIVE_MIN_COUNT. */
    MASS_ARCHIVE_MAX_SHARE: z.coerce.number().min(0).max(1).default(0.1),
    MASS_ARCHIVE_MIN_COUNT: z.coerce.number().int().min(0).default(10),
    WEBHOOK_COALESCE_MS: durationMs(500),
    WORKFLOW_IDLE_TIMEOUT_MS: durationMs(5 * 60 * 1000),
    WEBHOOK_INBOX_LEASE_MS: durationMs(60_000),
    WEBHOOK_HANDOFF_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
    WEBHOOK_INBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
    WEBHOOK_INBOX_SWEEP_MS: z.coerce.number().int().min(50).default(1_000),
    WEBHOOK_DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    WEBHOOK_DEAD_LETTER_MAX_ROWS: z.coerce.number().int().min(100).default(100_000),
    PUSH_BATCH_WINDOW_MS: durationMs(1000),
    RECORD_FETCH_MAX_WAIT_MS: durationMs(20_000),
    RECORD_FETCH_BULK_ASKS: positiveInt(10),

    /** The retention workflow's schedule, and how long each bookkeeping table keeps its finished rows. */
    RETENTION_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(60_000)
      .default(6 * HOUR_MS),
    // Never below HubSpot's retry horizon: a redelivery within 24 h must still find its dedupe row.
    RETENTION_PROCESSED_EVENTS_MS: z.coerce
      .number()
      .int()
      .min(24 * HOUR_MS, "must be at least 86400000 (24 h, HubSpot's webhook retry horizon)")
      .default(7 * 24 * HOUR_MS),
    RETENTION_OUTBOX_MS: durationMs(7 * 24 * HOUR_MS),
    RETENTION_SYNC_RUNS_MS: durationMs(30 * 24 * HOUR_MS),
    RETENTION_RESOLVED_FAILURES_MS: durationMs(30 * 24 * HOUR_MS),
    RETENTION_CONFLICTS_MS: durationMs(30 * 24 * HOUR_MS),
    RETENTION_DEAD_LETTERS_MS: durationMs(30 * 24 * HOUR_MS),
    RETENTION_PARKED_EVENTS_MS: durationMs(30 * 24 * HOUR_MS),
    RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(5_000),
    HUBSYNC_MAPPING_FILE: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.HUBSPOT_APP_MODE === 'public') {
      for (const name of ['HUBSPOT_CLIENT_ID', 'HUBSPOT_OAUTH_REDIRECT_URL', 'HUBSPOT_TOKEN_KEYS'] as const)
        if (!env[name])
          ctx.addIssue({ code: 'custom', path: [name], message: 'required when HUBSPOT_APP_MODE=public' });
    }
    if (Boolean(env.TEMPORAL_TLS_CERT_FILE) !== Boolean(env.TEMPORAL_TLS_KEY_FILE)) {
      const missing = env.TEMPORAL_TLS_CERT_FILE ? 'TEMPORAL_TLS_KEY_FILE' : 'TEMPORAL_TLS_CERT_FILE';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'mutual TLS needs both the certificate and the key' });
    }
    if (
      env.TEMPORAL_TLS === false &&
      (env.TEMPORAL_TLS_CA_FILE || env.TEMPORAL_TLS_CERT_FILE || env.TEMPORAL_API_KEY)
    ) {
      ctx.addIssue({ code: 'custom', path: ['TEMPORAL_TLS'], message: 'is false but TLS files or an API key are set' });
    }
    // The codec server decrypts people's data: unauthenticated, it may only be reachable from this host.
    if (
      env.TEMPORAL_PAYLOAD_KEY &&
      !env.CODEC_AUTH_TOKEN &&
      !env.CODEC_UNAUTHENTICATED &&
      !LOOPBACK_HOSTS.includes(env.ADMIN_HOST)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['CODEC_AUTH_TOKEN'],
        message:
          'required when ADMIN_HOST is not a loopback address (the codec server decrypts payloads); or CODEC_UNAUTHENTICATED=true',
      });
    }
  });

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment; throws ConfigError listing one line per bad variable (values are never echoed). */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const config = result.data;
  if (config.NODE_ENV === 'production') {
    const problems = (Object.keys(REPOSITORY_SECRETS) as Array<keyof typeof REPOSITORY_SECRETS>)
      .filter((name) => config[name] === REPOSITORY_SECRETS[name])
      .map((name) => `${name}: must be set in production (the default is the repository's public demo value)`);
    if (problems.length > 0) throw new ConfigError(problems);
  }
  return config;
}

/** What a process logs as a warning at start: settings that work but weaken a guarantee. */
export function startupWarnings(config: Pick<Config, 'HUBSPOT_WEBHOOK_SIGNATURE_VERSION'>): string[] {
  const warnings: string[] = [];
  if (config.HUBSPOT_WEBHOOK_SIGNATURE_VERSION !== 'v3')
    warnings.push(
      `HUBSPOT_WEBHOOK_SIGNATURE_VERSION=${config.HUBSPOT_WEBHOOK_SIGNATURE_VERSION}: ${config.HUBSPOT_WEBHOOK_SIGNATURE_VERSION} signatures carry no timestamp, so a captured webhook request can be replayed at any time; use v3`,
    );
  return warnings;
}

/** The requests-per-10-seconds budget of a tier (HubSpot's published private-app limits). */
export function requestsPer10s(config: Pick<Config, 'HUBSPOT_RATE_TIER' | 'HUBSPOT_REQUESTS_PER_10S'>): number {
  if (config.HUBSPOT_REQUESTS_PER_10S) return config.HUBSPOT_REQUESTS_PER_10S;
  const perTier: Record<RateTier, number> = {
    starter: 100,
    professional: 190,
    enterprise: 190,
    increased: 250,
    'public-app': 110,
  };
  return perTier[config.HUBSPOT_RATE_TIER];
}

/**
 * Backfill pages one activity lists in sequence. A HubSpot-queue activity then makes up to this many requests,
 * so the queue's server-side rate is requests/s ÷ this and the fleet stays within HubSpot's limit. Grouping only
 * pays when that still leaves ≥ 50 activities/s (more than one pipeline dispatches, so single-request pushes and
 * sync pages are never the ones held back): at HubSpot's published limits (≤ 25 requests/s) it is 1.
 */
export function backfillPagesPerActivity(requestsPer10sBudget: number): number {
  return Math.min(10, Math.max(1, Math.floor(requestsPer10sBudget / 10 / 50)));
}

/** For entry points: parse or print the problems and exit, so a bad variable stops the process at start. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`hubsync: ${err.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
