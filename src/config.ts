import { z } from 'zod';

// The one place hubsync reads its environment. Defaults are the embedded demo stack (local PostgreSQL,
// local Temporal dev server, the bundled HubSpot simulator); every variable is documented in .env.example.

const RATE_TIERS = ['starter', 'professional', 'enterprise', 'increased', 'public-app'] as const;
export type RateTier = (typeof RATE_TIERS)[number];

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const durationMs = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const envSchema = z.object({
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
  TEMPORAL_UI_URL: z.string().url().default('http://127.0.0.1:8233'),
  // 32 random bytes, base64 (`openssl rand -base64 32`): every Temporal payload is then AES-256-GCM encrypted.
  TEMPORAL_PAYLOAD_KEY: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32,
      'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    )
    .optional(),

  HUBSPOT_BASE_URL: z.string().url().default('http://127.0.0.1:3990'),
  HUBSPOT_ACCESS_TOKEN: z.string().min(1).default('sim-token-demo'),
  HUBSPOT_CLIENT_SECRET: z.string().min(1).default('sim-client-secret-demo'),
  HUBSPOT_APP_ID: z.string().regex(/^\d+$/, 'must be a numeric app id').default('424242'),
  HUBSPOT_PORTAL_ID: z.string().regex(/^\d+$/, 'must be a numeric portal id').default('1000001'),
  HUBSPOT_WEBHOOK_URL: z.string().url().default('http://127.0.0.1:3000/webhooks/hubspot'),
  HUBSPOT_WEBHOOK_SIGNATURE_VERSION: z.enum(['v1', 'v2', 'v3']).default('v3'),
  HUBSPOT_RATE_TIER: z.enum(RATE_TIERS).default('professional'),
  HUBSPOT_REQUESTS_PER_10S: z.coerce.number().int().positive().optional(),
  HUBSPOT_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HUBSPOT_MAX_CONCURRENCY: positiveInt(8),
  HUBSPOT_ACCOUNT_TIMEZONE: z.string().min(1).default('UTC'),

  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** The worker's own /metrics listener (its HubSpot, apply and push counters); 0 turns it off. */
  WORKER_METRICS_PORT: port(9464),
  PLATFORM_API_KEY: z.string().min(16, 'must be at least 16 characters').default('platform-demo-key-change-me'),

  SYNC_INTERVAL_MS: durationMs(60 * 60 * 1000),
  SYNC_WINDOW_OVERLAP_MS: durationMs(5 * 60 * 1000),
  LINK_CHECK_INTERVAL_MS: durationMs(24 * 60 * 60 * 1000),
  WEBHOOK_COALESCE_MS: durationMs(500),
  WORKFLOW_IDLE_TIMEOUT_MS: durationMs(5 * 60 * 1000),
  WEBHOOK_INBOX_LEASE_MS: durationMs(60_000),
  WEBHOOK_HANDOFF_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  WEBHOOK_INBOX_SWEEP_MS: z.coerce.number().int().min(50).default(1_000),
  PUSH_BATCH_WINDOW_MS: durationMs(1000),
  HUBSYNC_MAPPING_FILE: z.string().min(1).optional(),
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
  return result.data;
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
