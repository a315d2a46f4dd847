import { createPagePrefetch, PREFETCH_MAX_ENTRIES, PREFETCH_TTL_MS } from '../../activities/scheduled/page-prefetch';

describe('the prefetched next backfill page', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('is taken once, by the key it was put under', async () => {
    const prefetch = createPagePrefetch<string>(now);
    prefetch.put('contacts|200', Promise.resolve('page after 200'));
    expect(prefetch.take('contacts|100')).toBeUndefined();
    await expect(prefetch.take('contacts|200')).resolves.toBe('page after 200');
    expect(prefetch.take('contacts|200')).toBeUndefined();
  });

  it('expires when the next activity does not come in time (it ran elsewhere, the workflow stopped)', () => {
    const prefetch = createPagePrefetch<string>(now);
    prefetch.put('a', Promise.resolve('a'));
    prefetch.put('b', Promise.resolve('b'));
    clock += PREFETCH_TTL_MS;
    expect(prefetch.take('a')).toBeDefined();
    clock += 1;
    expect(prefetch.take('b')).toBeUndefined();
  });

  it('keeps at most PREFETCH_MAX_ENTRIES chains, dropping the oldest', () => {
    const prefetch = createPagePrefetch<number>(now);
    for (let i = 0; i <= PREFETCH_MAX_ENTRIES; i++) prefetch.put(`chain ${i}`, Promise.resolve(i));
    expect(prefetch.take('chain 0')).toBeUndefined();
    expect(prefetch.take('chain 1')).toBeDefined();
    expect(prefetch.take(`chain ${PREFETCH_MAX_ENTRIES}`)).toBeDefined();
  });
});
