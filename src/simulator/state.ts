// The simulator's whole mutable state: portals (data, limiters, mutator), the app's OAuth, faults, metrics, webhooks.
import { Faults } from './faults';
import { Metrics } from './metrics';
import { type Actor, Mutator } from './mutations';
import { OAuthServer, type OAuthOptions } from './oauth';
import { type LimitSettings, RateLimiter, TIERS, type Tier } from './rate-limit';
import { PortalStore } from './store';
import { WebhookDispatcher, type WebhookSubscriptionOptions } from './webhooks';

export interface PortalOptions {
  portalId: string;
  /** A private app's static token; without one the account is reached only once it installs the app by OAuth. */
  token?: string;
  tier?: Tier;
  requestsPer10s?: number;
  dailyLimit?: number;
  timeZone?: string;
}

export interface PortalRuntime {
  portalId: string;
  token: string | undefined;
  store: PortalStore;
  /** The private app's budget (the portal's tier). */
  limiter: RateLimiter;
  /** The public app's budget in this account: 110 per 10 s and 5 searches/s, apart from private apps (usage guide). */
  appLimiter: RateLimiter;
  appInitial: LimitSettings;
  mutator: Mutator;
  initial: LimitSettings;
  /** 423 for batch upserts beyond this many per second (null = never). */
  upsertLockPerSecond: number | null;
  upsertTimes: number[];
}

export function limitSettings(
  tier: Tier,
  requestsPer10s?: number,
  dailyLimit?: number | null,
  timeZone = 'UTC',
): LimitSettings {
  const t = TIERS[tier];
  return {
    tier,
    requestsPer10s: requestsPer10s ?? t.per10s,
    dailyLimit: dailyLimit === undefined ? t.daily : dailyLimit,
    timeZone,
    searchPerSecond: 5,
  };
}

// HubSpot documents a 414 for "the length of the request URL exceeds certain limits" without a number; integrators
// measured the limit at about 16,200 characters (PostHog/posthog#31617) and report failures past ~8 KB of properties
// (airweave-ai/airweave#1064). 16,000 is the measured figure rounded down; `maxUrlLength` changes it.
export const DEFAULT_MAX_URL_LENGTH = 16_000;

export class SimState {
  readonly portals = new Map<string, PortalRuntime>();
  readonly byToken = new Map<string, PortalRuntime>();
  readonly metrics = new Metrics();
  readonly faults = new Faults();
  readonly webhooks: WebhookDispatcher;
  readonly oauth: OAuthServer;
  private indexingLagMs: number;
  retryAfterHeader: boolean;
  /** Longest request URL (path + query) answered; longer ones get 414. */
  maxUrlLength = DEFAULT_MAX_URL_LENGTH;

  constructor(
    portals: PortalOptions[],
    indexingLagMs: number,
    webhooks: WebhookSubscriptionOptions,
    retryAfterHeader: boolean,
    oauth: OAuthOptions = {},
  ) {
    this.indexingLagMs = indexingLagMs;
    // Webhooks go to accounts that have the app: a private app's account, or one that installed it by OAuth.
    this.webhooks = new WebhookDispatcher(webhooks, this.faults, (portalId) => this.hasApp(portalId));
    this.oauth = new OAuthServer(
      oauth,
      () => ({ appId: this.webhooks.config.appId, clientSecret: this.webhooks.config.clientSecret }),
      (portalId) => this.portals.get(portalId)?.store.owners[0]?.userId ?? 9000000,
    );
    this.retryAfterHeader = retryAfterHeader;
    for (const p of portals) this.addPortal(p);
  }

  addPortal(p: PortalOptions): PortalRuntime {
    if (!/^\d{1,12}$/.test(p.portalId)) throw new Error(`portalId must be digits, got ${p.portalId}`);
    if (this.portals.has(p.portalId)) throw new Error(`portal ${p.portalId} exists`);
    if (p.token !== undefined && this.byToken.has(p.token)) throw new Error('token already used by another portal');
    const store = new PortalStore(p.portalId, this.indexingLagMs);
    const initial = limitSettings(p.tier ?? 'professional', p.requestsPer10s, p.dailyLimit, p.timeZone ?? 'UTC');
    const appInitial = limitSettings('public-app', undefined, null, p.timeZone ?? 'UTC');
    const runtime: PortalRuntime = {
      portalId: p.portalId,
      token: p.token,
      store,
      limiter: new RateLimiter({ ...initial }),
      appLimiter: new RateLimiter({ ...appInitial }),
      appInitial,
      mutator: new Mutator(store, this.webhooks.emit),
      initial,
      upsertLockPerSecond: null,
      upsertTimes: [],
    };
    this.portals.set(p.portalId, runtime);
    if (p.token !== undefined) this.byToken.set(p.token, runtime);
    return runtime;
  }

  hasApp(portalId: string): boolean {
    return this.portals.get(portalId)?.token !== undefined || this.oauth.installs.has(portalId);
  }

  defaultPortal(): PortalRuntime {
    const first = this.portals.values().next().value;
    if (!first) throw new Error('no portal configured');
    return first;
  }

  /** Our app's own API writes: HubSpot reports them as an integration with the app id as source. */
  apiActor(): Actor {
    return { changeSource: 'INTEGRATION', sourceId: this.webhooks.config.appId };
  }

  reset(): void {
    for (const p of this.portals.values()) {
      p.store.reset();
      p.limiter.settings = { ...p.initial };
      p.limiter.reset();
      p.appLimiter.settings = { ...p.appInitial };
      p.appLimiter.reset();
      p.upsertLockPerSecond = null;
      p.upsertTimes = [];
    }
    this.maxUrlLength = DEFAULT_MAX_URL_LENGTH;
    this.metrics.resetCounters();
    this.metrics.clearRequests();
    this.faults.clear();
    this.webhooks.reset();
    this.oauth.reset();
  }
}
