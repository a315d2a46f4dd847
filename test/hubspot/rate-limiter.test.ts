import {
  PortalRateLimiter,
  type Permit,
  portalRateLimiter,
  resetPortalRateLimiters,
  safetyMargin,
} from '../../src/hubspot/rate-limiter';

// Fake timers drive the clock: these assert which requests may go out at which instant, never how long
// anything took.

function track(p: Promise<Permit>): { permit?: Permit } {
  const box: { permit?: Permit } = {};
  void p.then((permit) => (box.permit = permit));
  return box;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('PortalRateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('keeps a small safety margin below the published limit', () => {
    expect(safetyMargin(190)).toBe(2);
    expect(safetyMargin(250)).toBe(3);
    expect(safetyMargin(100)).toBe(1);
    expect(safetyMargin(10)).toBe(1);
    expect(new PortalRateLimiter({ requestsPer10s: 190 }).generalCapacity).toBe(188);
  });

  it('lets a window-full through, then holds the next until the oldest slot is one window past its response', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 50, maxConcurrency: 100 });
    const granted = Array.from({ length: 50 }, () => track(limiter.acquire('general')));
    await settle();
    expect(granted.filter((g) => g.permit).length).toBe(49);
    jest.advanceTimersByTime(500);
    for (const g of granted) g.permit?.complete();
    await settle();
    jest.advanceTimersByTime(9_999);
    await settle();
    expect(granted[49]?.permit).toBeUndefined();
    jest.advanceTimersByTime(1);
    await settle();
    expect(granted[49]?.permit).toBeDefined();
  });

  it('counts in-flight requests against the window until they complete', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 10, maxConcurrency: 100 });
    const first = Array.from({ length: 9 }, () => track(limiter.acquire('general')));
    await settle();
    jest.advanceTimersByTime(60_000);
    const late = track(limiter.acquire('general'));
    await settle();
    expect(late.permit).toBeUndefined();
    first[0]?.permit?.complete();
    jest.advanceTimersByTime(10_000);
    await settle();
    expect(late.permit).toBeDefined();
  });

  it('adopts the limit and window the portal announces in its headers', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 190 });
    const p = track(limiter.acquire('general'));
    await settle();
    p.permit?.complete({
      'x-hubspot-ratelimit-max': '40',
      'x-hubspot-ratelimit-remaining': '39',
      'x-hubspot-ratelimit-interval-milliseconds': '5000',
    });
    expect(limiter.generalCapacity).toBe(39);
    expect(limiter.windowMs).toBe(5000);
  });

  it('reserves budget another process used, as seen in X-HubSpot-RateLimit-Remaining', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 20, maxConcurrency: 100 });
    const p = track(limiter.acquire('general'));
    await settle();
    // The portal saw 15 requests, we sent 1: 14 belong to someone else, leaving us 19 - 15 = 4.
    p.permit?.complete({ 'x-hubspot-ratelimit-max': '20', 'x-hubspot-ratelimit-remaining': '5' });
    const next = Array.from({ length: 5 }, () => track(limiter.acquire('general')));
    await settle();
    expect(next.filter((g) => g.permit).length).toBe(4);
  });

  it('pauses only the kind that was rate limited', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 100 });
    limiter.pause('general', 10_000);
    const general = track(limiter.acquire('general'));
    const search = track(limiter.acquire('search'));
    await settle();
    expect(general.permit).toBeUndefined();
    expect(search.permit).toBeDefined();
    jest.advanceTimersByTime(10_000);
    await settle();
    expect(general.permit).toBeDefined();
  });

  it('holds search to its own per-second budget', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 100, searchPerSecond: 5, maxConcurrency: 100 });
    const searches = Array.from({ length: 7 }, () => track(limiter.acquire('search')));
    const general = track(limiter.acquire('general'));
    await settle();
    expect(searches.filter((s) => s.permit).length).toBe(5);
    expect(general.permit).toBeDefined();
    for (const s of searches) s.permit?.complete();
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(searches.filter((s) => s.permit).length).toBe(7);
  });

  it('bounds concurrency', async () => {
    const limiter = new PortalRateLimiter({ requestsPer10s: 1000, maxConcurrency: 3 });
    const all = Array.from({ length: 5 }, () => track(limiter.acquire('general')));
    await settle();
    expect(all.filter((a) => a.permit).length).toBe(3);
    all[0]?.permit?.complete();
    await settle();
    expect(all.filter((a) => a.permit).length).toBe(4);
  });

  it('refuses locally once the daily quota is used up, until the reset', async () => {
    const limiter = new PortalRateLimiter({
      requestsPer10s: 100,
      dailyLimit: 2,
      nextDailyReset: (now) => now + 60_000,
    });
    for (let i = 0; i < 2; i++) {
      const p = track(limiter.acquire('general'));
      await settle();
      p.permit?.complete();
    }
    expect(limiter.dailyBlockedForMs()).toBe(60_000);
    jest.advanceTimersByTime(60_000);
    expect(limiter.dailyBlockedForMs()).toBe(0);
  });

  it('is shared per portal and tightened to the lowest budget configured', () => {
    resetPortalRateLimiters();
    const a = portalRateLimiter('http://h/', '1', { requestsPer10s: 190 });
    const b = portalRateLimiter('http://h', '1', { requestsPer10s: 100 });
    const other = portalRateLimiter('http://h', '2', { requestsPer10s: 100 });
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(a.generalCapacity).toBe(99);
    resetPortalRateLimiters();
  });
});
