// Starting and stopping the HubSpot simulator in-process (tests, benchmarks) — main.ts wraps this for the CLI.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthOptions } from './oauth';
import type { Tier } from './rate-limit';
import { seedPortal, type SeedOptions, type SeedResult } from './seed';
import { createHandler } from './server';
import { type PortalRuntime, SimState } from './state';
import type { WebhookSubscriptionOptions } from './webhooks';

export type { SeedOptions, SeedResult } from './seed';
export type { WebhookSubscriptionOptions } from './webhooks';
export type { Tier } from './rate-limit';
export type { OAuthOptions } from './oauth';

export interface SimulatorOptions {
  /** 0 = random */
  port?: number;
  host?: string;
  /** The first is the default portal (admin calls without `portalId`, `seed`). A portal without `token` is an
   * account reached only after it installs the app by OAuth. */
  portals?: Array<{
    portalId: string;
    token?: string;
    tier?: Tier;
    requestsPer10s?: number;
    dailyLimit?: number;
    timeZone?: string;
    /** This portal's own seed data (the top-level `seed` seeds the default portal). */
    seed?: SeedOptions;
  }>;
  /** The public app's OAuth (client id, redirect URLs, token lifetimes, auto-approve); its secret is webhooks.clientSecret. */
  oauth?: OAuthOptions;
  /** default 3000 */
  indexingLagMs?: number;
  seed?: SeedOptions;
  webhooks?: WebhookSubscriptionOptions;
  /** Compresses webhook retry delays (HubSpot's ~24 h); overrides webhooks.timeScale when given. */
  timeScale?: number;
  retryAfterHeader?: boolean;
  /** When set, /__sim needs `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Longest URL answered before 414 (default 16,000 characters). */
  maxUrlLength?: number;
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  /** In-process access for benchmarks and diagnostics; other components' tests use the HTTP admin API. */
  portals: Map<string, PortalRuntime>;
  seedResult?: SeedResult;
}

export const DEFAULT_PORTAL = { portalId: '1000001', token: 'sim-token-demo' } as const;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const portals = options.portals && options.portals.length > 0 ? options.portals : [{ ...DEFAULT_PORTAL }];
  const webhooks: WebhookSubscriptionOptions = { ...options.webhooks };
  if (options.timeScale !== undefined) webhooks.timeScale = options.timeScale;
  const sim = new SimState(
    portals,
    options.indexingLagMs ?? 3000,
    webhooks,
    options.retryAfterHeader ?? false,
    options.oauth,
  );
  if (options.maxUrlLength !== undefined) sim.maxUrlLength = options.maxUrlLength;
  const seedResult = options.seed ? seedPortal(sim.defaultPortal().store, options.seed) : undefined;
  for (const p of portals) if (p.seed) seedPortal((sim.portals.get(p.portalId) as PortalRuntime).store, p.seed);
  // Node refuses request heads over 16 KB with 431 before the handler runs; the head limit is raised well past the
  // URL limit so that an over-long URL gets HubSpot's 414 from the handler instead.
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, createHandler(sim, options.adminToken));
  server.keepAliveTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    portals: sim.portals,
    seedResult,
    close: async () => {
      sim.webhooks.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
