// HubSpot's per-portal limits: a rolling 10-second window and a daily budget for ordinary calls, and a separate
// per-second window for search (which is exempt from the 10-second one and sends no headers).

export type Tier = 'starter' | 'professional' | 'enterprise' | 'increased' | 'public-app' | 'unlimited';
export type PolicyName = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';

export const TIERS: Record<Tier, { per10s: number; daily: number | null }> = {
  starter: { per10s: 100, daily: 250_000 },
  professional: { per10s: 190, daily: 625_000 },
  enterprise: { per10s: 190, daily: 1_000_000 },
  increased: { per10s: 250, daily: 1_000_000 },
  'public-app': { per10s: 110, daily: null },
  unlimited: { per10s: Number.POSITIVE_INFINITY, daily: null },
};

export interface LimitSettings {
  tier: Tier;
  requestsPer10s: number;
  dailyLimit: number | null;
  timeZone: string;
  searchPerSecond: number;
}

export type LimitDecision =
  | { ok: true; headers: Record<string, string> }
  | { ok: false; policy: PolicyName; retryAfterMs: number; headers: Record<string, string> };

/** Timestamps in a ring: the window's count is the number of entries newer than now - window. */
class RollingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }

  /** When the oldest entry leaves the window. */
  freesInMs(now: number): number {
    const oldest = this.times[this.head];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now);
  }

  clear(): void {
    this.times = [];
    this.head = 0;
  }
}

export class RateLimiter {
  private tenSecond = new RollingWindow(10_000);
  private second = new RollingWindow(1_000);
  private daily = 0;
  private day = '';
  /** Most calls admitted in any rolling 10 s, and calls refused by each policy, since the last reset. */
  peakPer10s = 0;
  refused: Record<PolicyName, number> = { TEN_SECONDLY_ROLLING: 0, DAILY: 0, SECONDLY: 0 };
  admitted = 0;

  constructor(public settings: LimitSettings) {}

  reset(): void {
    this.tenSecond.clear();
    this.second.clear();
    this.daily = 0;
    this.peakPer10s = 0;
    this.admitted = 0;
    this.refused = { TEN_SECONDLY_ROLLING: 0, DAILY: 0, SECONDLY: 0 };
  }

  /** Admits or rejects one call, keeping the peak and refusal counts. */
  check(isSearch: boolean, now = Date.now()): LimitDecision {
    const d = this.decide(isSearch, now);
    if (!d.ok) this.refused[d.policy]++;
    else this.admitted++;
    return d;
  }

  private formatters: { tz: string; day: Intl.DateTimeFormat; time: Intl.DateTimeFormat } | undefined;

  // Formatters are costly to build and this runs on every call: cache them per time zone.
  private fmt(): { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat } {
    const tz = this.settings.timeZone;
    if (this.formatters?.tz !== tz) {
      this.formatters = {
        tz,
        day: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }),
        time: new Intl.DateTimeFormat('en-GB', {
          timeZone: tz,
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
        }),
      };
    }
    return this.formatters;
  }

  private dayKey(now: number): string {
    return this.fmt().day.format(now);
  }

  private msToMidnight(now: number): number {
    const [h, m, s] = this.fmt().time.format(now).split(':').map(Number) as [number, number, number];
    return (86_400 - (h * 3600 + m * 60 + s)) * 1000;
  }

  private rollDay(now: number): void {
    const key = this.dayKey(now);
    if (key !== this.day) {
      this.day = key;
      this.daily = 0;
    }
  }

  /** An admitted call consumes budget, a rejected one does not. */
  private decide(isSearch: boolean, now: number): LimitDecision {
    const s = this.settings;
    if (s.tier === 'unlimited') return { ok: true, headers: {} };
    this.rollDay(now);
    if (isSearch) {
      if (this.second.count(now) >= s.searchPerSecond)
        return { ok: false, policy: 'SECONDLY', retryAfterMs: this.second.freesInMs(now), headers: {} };
      this.second.add(now);
      this.daily++;
      return { ok: true, headers: {} };
    }
    const used = this.tenSecond.count(now);
    if (s.dailyLimit !== null && this.daily >= s.dailyLimit)
      return { ok: false, policy: 'DAILY', retryAfterMs: this.msToMidnight(now), headers: this.headers(used) };
    if (used >= s.requestsPer10s)
      return {
        ok: false,
        policy: 'TEN_SECONDLY_ROLLING',
        retryAfterMs: this.tenSecond.freesInMs(now),
        headers: this.headers(used),
      };
    this.tenSecond.add(now);
    this.daily++;
    if (used + 1 > this.peakPer10s) this.peakPer10s = used + 1;
    return { ok: true, headers: this.headers(used + 1) };
  }

  /** The headers a response would carry now, without consuming budget (used for injected 429s). */
  peekHeaders(now = Date.now()): Record<string, string> {
    if (this.settings.tier === 'unlimited') return {};
    this.rollDay(now);
    return this.headers(this.tenSecond.count(now));
  }

  private headers(used: number): Record<string, string> {
    const s = this.settings;
    const h: Record<string, string> = {
      'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
      'X-HubSpot-RateLimit-Max': String(s.requestsPer10s),
      'X-HubSpot-RateLimit-Remaining': String(Math.max(0, s.requestsPer10s - used)),
    };
    if (s.dailyLimit !== null) {
      h['X-HubSpot-RateLimit-Daily'] = String(s.dailyLimit);
      h['X-HubSpot-RateLimit-Daily-Remaining'] = String(Math.max(0, s.dailyLimit - this.daily));
    }
    return h;
  }
}

export function rateLimitBody(policy: PolicyName, correlationId: string): Record<string, unknown> {
  const message =
    policy === 'SECONDLY'
      ? 'You have reached your secondly limit.'
      : `You have reached your ${policy.toLowerCase()} limit.`;
  return {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId,
    policyName: policy,
    requestId: correlationId,
    groupName: policy === 'SECONDLY' ? 'search' : 'api',
  };
}
