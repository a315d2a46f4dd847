// The next backfill page's request, started by the activity that wrote the page before it so the next activity
// of the same type finds the page already (or partly) fetched: the list request overlaps the write and the
// Temporal round trip between the two activities. Per worker process, keyed by the backfill (when it began),
// where the page starts and what it asks for; taken once. An entry the next activity does not take in time (it ran on another worker, the
// workflow continued as new) expires: one wasted request, never a page applied from a stale answer of long ago.

/** How long a prefetched page waits for the next activity of its type. */
export const PREFETCH_TTL_MS = 30_000;
/** Chains one worker keeps a prefetched page for (portal × type); the oldest goes first beyond this. */
export const PREFETCH_MAX_ENTRIES = 256;

export interface PagePrefetch<T> {
  put(key: string, request: Promise<T>): void;
  take(key: string): Promise<T> | undefined;
}

export function createPagePrefetch<T>(now: () => number = Date.now): PagePrefetch<T> {
  const entries = new Map<string, { request: Promise<T>; at: number }>();
  const expire = () => {
    for (const [key, entry] of entries) if (now() - entry.at > PREFETCH_TTL_MS) entries.delete(key);
  };
  return {
    put(key, request) {
      expire();
      entries.delete(key);
      entries.set(key, { request, at: now() });
      while (entries.size > PREFETCH_MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    },
    take(key) {
      expire();
      const entry = entries.get(key);
      entries.delete(key);
      return entry?.request;
    },
  };
}
