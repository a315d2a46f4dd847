// One limiter per HubSpot portal per process. HubSpot counts requests per account over a rolling 10-second
// window (search separately: 5 a second), so every client talking to the same portal must draw on the same
// budget, or two of them together cause the 429 storm each alone would avoid.

export type RequestKind = 'general' | 'search';

export interface RateLimiterOptions {
  requestsPer10s: number;
  searchPerSecond?: number;
  maxConcurrency?: number;
  /** Requests per day the portal allows; enforced locally until the headers say otherwise. */
  dailyLimit?: number;
  /** Epoch ms of the next daily reset, for the local daily count. */
  nextDailyReset?: (nowMs: number) => number;
  now?: () => number;
}

export interface Permit {
  /**
   * Must be called exactly once: the slot keeps counting for one window after the response arrived.
   * `rejected` marks a 429, whose Remaining: 0 is already handled by pausing for the policy's wait.
   */
  complete(headers?: Record<string, unknown>, rejected?: boolean): void;
}

const DEFAULT_WINDOW_MS = 10_000;
const SEARCH_WINDOW_MS = 1_000;

/**
 * Requests held back from the published limit. A slot counts from when it is sent until one window after
 * its response, which already covers transit and queueing time (and costs about latency/10 s of the
 * budget); the margin covers what the headers cannot tell us in time (another process starting a burst,
 * HubSpot's own rounding). 1 % keeps the benchmark's goal of ≥ 95 % of the ceiling within reach.
 */
export function safetyMargin(limit: number): number {
  return Math.max(1, Math.ceil(limit * 0.01));
}

/** Rolling window: each slot counts until `endsAt`; in-flight slots end at Infinity until completed. */
class RollingWindow {
  private slots: number[] = [];

  constructor(public windowMs: number) {}

  active(nowMs: number): number {
    this.slots = this.slots.filter((endsAt) => endsAt > nowMs);
    return this.slots.length;
  }

  open(): number {
    this.slots.push(Number.POSITIVE_INFINITY);
    return this.slots.length - 1;
  }

  close(nowMs: number): void {
    const i = this.slots.indexOf(Number.POSITIVE_INFINITY);
    if (i >= 0) this.slots[i] = nowMs + this.windowMs;
  }

  /** Counts requests made elsewhere against the same portal. */
  reserve(count: number, nowMs: number): void {
    for (let i = 0; i < count; i++) this.slots.push(nowMs + this.windowMs);
  }

  /** When the earliest finished slot stops counting (Infinity when only in-flight slots remain). */
  nextExpiry(): number {
    return this.slots.reduce((min, endsAt) => Math.min(min, endsAt), Number.POSITIVE_INFINITY);
  }
}

function headerNumber(headers: Record<string, unknown> | undefined, name: string): number | undefined {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

interface Waiter {
  resolve: (permit: Permit) => void;
}

export class PortalRateLimiter {
  private configuredPer10s: number;
  private announcedMax: number | undefined;
  private readonly searchPerSecond: number;
  private readonly maxConcurrency: number;
  private readonly now: () => number;
  private readonly windows: Record<RequestKind, RollingWindow>;
  private readonly queues: Record<RequestKind, Waiter[]> = { general: [], search: [] };
  private readonly pausedUntil: Record<RequestKind, number> = { general: 0, search: 0 };
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly dailyLimit: number | undefined;
  private readonly nextDailyReset: (nowMs: number) => number;
  private dailyUsed = 0;
  private dailyRemainingFromHeaders: number | undefined;
  private dailyResetAt: number;
  /** Count of requests sent, by kind: lets tests and benchmarks observe the limiter. */
  readonly sent: Record<RequestKind, number> = { general: 0, search: 0 };

  constructor(opts: RateLimiterOptions) {
    this.configuredPer10s = opts.requestsPer10s;
    this.searchPerSecond = opts.searchPerSecond ?? 5;
    this.maxConcurrency = opts.maxConcurrency ?? 8;
    this.now = opts.now ?? Date.now;
    this.dailyLimit = opts.dailyLimit;
    this.nextDailyReset = opts.nextDailyReset ?? ((nowMs) => (Math.floor(nowMs / 86_400_000) + 1) * 86_400_000);
    this.dailyResetAt = this.nextDailyReset(this.now());
    this.windows = { general: new RollingWindow(DEFAULT_WINDOW_MS), search: new RollingWindow(SEARCH_WINDOW_MS) };
  }

  /** Lowers the budget when another client of the same portal was configured with less. */
  tighten(requestsPer10s: number): void {
    this.configuredPer10s = Math.min(this.configuredPer10s, requestsPer10s);
  }

  /** Replaces the budget (an installation's rate tier changed); a raised one lets waiting requests go at once. */
  setBudget(requestsPer10s: number): void {
    if (requestsPer10s === this.configuredPer10s) return;
    this.configuredPer10s = requestsPer10s;
    this.pump();
  }

  /** The number of general requests allowed in one window right now. */
  get generalCapacity(): number {
    const limit = Math.min(this.configuredPer10s, this.announcedMax ?? Number.POSITIVE_INFINITY);
    return Math.max(1, limit - safetyMargin(limit));
  }

  get windowMs(): number {
    return this.windows.general.windowMs;
  }

  private capacity(kind: RequestKind): number {
    return kind === 'general' ? this.generalCapacity : this.searchPerSecond;
  }

  acquire(kind: RequestKind): Promise<Permit> {
    return new Promise((resolve) => {
      this.queues[kind].push({ resolve });
      this.pump();
    });
  }

  /** After a 429: nothing of this kind goes out until the policy's window has passed. */
  pause(kind: RequestKind, ms: number): void {
    this.pausedUntil[kind] = Math.max(this.pausedUntil[kind], this.now() + ms);
  }

  /** Milliseconds until the daily quota is back, or 0 when requests may go out. */
  dailyBlockedForMs(): number {
    const nowMs = this.now();
    if (nowMs >= this.dailyResetAt) {
      this.dailyResetAt = this.nextDailyReset(nowMs);
      this.dailyUsed = 0;
      this.dailyRemainingFromHeaders = undefined;
    }
    const exhausted =
      this.dailyRemainingFromHeaders !== undefined
        ? this.dailyRemainingFromHeaders <= 0
        : this.dailyLimit !== undefined && this.dailyUsed >= this.dailyLimit;
    return exhausted ? this.dailyResetAt - nowMs : 0;
  }

  /** The daily quota ran out (a DAILY 429): refuse locally until the reset. */
  markDailyExhausted(): void {
    this.dailyRemainingFromHeaders = 0;
  }

  private pump(): void {
    const nowMs = this.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const kind of ['search', 'general'] as const) {
      const queue = this.queues[kind];
      while (queue.length > 0 && this.inFlight < this.maxConcurrency) {
        if (this.pausedUntil[kind] > nowMs) {
          wakeAt = Math.min(wakeAt, this.pausedUntil[kind]);
          break;
        }
        const window = this.windows[kind];
        if (window.active(nowMs) >= this.capacity(kind)) {
          wakeAt = Math.min(wakeAt, window.nextExpiry());
          break;
        }
        const waiter = queue.shift() as Waiter;
        waiter.resolve(this.grant(kind));
      }
    }
    this.schedule(wakeAt);
  }

  private schedule(at: number): void {
    if (!Number.isFinite(at) || at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - this.now()),
    );
  }

  private grant(kind: RequestKind): Permit {
    this.inFlight++;
    this.sent[kind]++;
    this.dailyUsed++;
    this.windows[kind].open();
    let done = false;
    return {
      complete: (headers, rejected = false) => {
        if (done) return;
        done = true;
        this.inFlight--;
        const nowMs = this.now();
        this.windows[kind].close(nowMs);
        if (kind === 'general') this.observe(headers, nowMs, rejected);
        this.pump();
      },
    };
  }

  /** Adapts to what the portal announces: its real limit, window length, and how much is left. */
  private observe(headers: Record<string, unknown> | undefined, nowMs: number, rejected: boolean): void {
    const interval = headerNumber(headers, 'x-hubspot-ratelimit-interval-milliseconds');
    if (interval !== undefined && interval > 0) this.windows.general.windowMs = interval;
    const max = headerNumber(headers, 'x-hubspot-ratelimit-max');
    if (max !== undefined && max > 0) this.announcedMax = max;
    const remaining = headerNumber(headers, 'x-hubspot-ratelimit-remaining');
    if (max !== undefined && remaining !== undefined && !rejected) {
      // Our own slots outlive the portal's view of them, so a portal count above ours is someone else's.
      const external = max - remaining - this.windows.general.active(nowMs);
      if (external > 0) this.windows.general.reserve(external, nowMs);
    }
    const dailyRemaining = headerNumber(headers, 'x-hubspot-ratelimit-daily-remaining');
    if (dailyRemaining !== undefined) this.dailyRemainingFromHeaders = dailyRemaining;
  }

  stats(): { capacity: number; windowMs: number; inFlight: number; queued: number; sent: Record<RequestKind, number> } {
    return {
      capacity: this.generalCapacity,
      windowMs: this.windowMs,
      inFlight: this.inFlight,
      queued: this.queues.general.length + this.queues.search.length,
      sent: { ...this.sent },
    };
  }
}

const registry = new Map<string, PortalRateLimiter>();

/** The process-wide limiter of one portal: created on first use, shared by every later client. */
export function portalRateLimiter(baseUrl: string, portalId: string, opts: RateLimiterOptions): PortalRateLimiter {
  const key = `${baseUrl.replace(/\/+$/, '')}|${portalId}`;
  const existing = registry.get(key);
  if (existing) {
    existing.tighten(opts.requestsPer10s);
    return existing;
  }
  const limiter = new PortalRateLimiter(opts);
  registry.set(key, limiter);
  return limiter;
}

/** Tests only: forget every portal's limiter. */
export function resetPortalRateLimiters(): void {
  registry.clear();
}
