// The simulator's whole mutable state: portals (data, limiter, mutator), faults, metrics and webhooks.
import { Faults } from './faults';
import { Metrics } from './metrics';
import { type Actor, Mutator } from './mutations';
import { type LimitSettings, RateLimiter, TIERS, type Tier } from './rate-limit';
import { PortalStore } from './store';
import { WebhookDispatcher, type WebhookSubscriptionOptions } from './webhooks';

export interface PortalOptions {
  portalId: string;
  token: string;
  tier?: Tier;
  requestsPer10s?: number;
  dailyLimit?: number;
  timeZone?: string;
}

export interface PortalRuntime {
  portalId: string;
  token: string;
  store: PortalStore;
  limiter: RateLimiter;
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
  retryAfterHeader: boolean;
  /** Longest request URL (path + query) answered; longer ones get 414. */
  maxUrlLength = DEFAULT_MAX_URL_LENGTH;

  constructor(
    portals: PortalOptions[],
    indexingLagMs: number,
    webhooks: WebhookSubscriptionOptions,
    retryAfterHeader: boolean,
  ) {
    this.webhooks = new WebhookDispatcher(webhooks, this.faults);
    this.retryAfterHeader = retryAfterHeader;
    for (const p of portals) {
      const store = new PortalStore(p.portalId, indexingLagMs);
      const initial = limitSettings(p.tier ?? 'professional', p.requestsPer10s, p.dailyLimit, p.timeZone ?? 'UTC');
      const runtime: PortalRuntime = {
        portalId: p.portalId,
        token: p.token,
        store,
        limiter: new RateLimiter({ ...initial }),
        mutator: new Mutator(store, this.webhooks.emit),
        initial,
        upsertLockPerSecond: null,
        upsertTimes: [],
      };
      this.portals.set(p.portalId, runtime);
      this.byToken.set(p.token, runtime);
    }
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
      p.upsertLockPerSecond = null;
      p.upsertTimes = [];
    }
    this.maxUrlLength = DEFAULT_MAX_URL_LENGTH;
    this.metrics.resetCounters();
    this.metrics.clearRequests();
    this.faults.clear();
    this.webhooks.reset();
  }
}
