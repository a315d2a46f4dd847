// The batched record fetch takes a record for gone only when HubSpot says so (OBJECT_NOT_FOUND naming it):
// an id a 200 answer leaves unaccounted for fails that fetch, retryably, instead of reading as a deletion.
import { createHubSpotFetchActivities } from '../../../activities/inbound/hubspot-fetch';
import { HubSpotResponseShapeError, resetPortalRateLimiters, type HubSpotClient } from '../../../src/hubspot';
import { createLogger } from '../../../src/logger';
import { DEFAULT_MAPPING } from '../../../src/sync';
import { propertiesFor } from '../../../src/sync/mapping';
import { UnaccountedRecordsError } from '../../../src/sync/read-accounting';
import { addFaults, clientFor, simRecords, startSim } from '../../hubspot/sim-admin';

const record = (id: string) => ({
  id,
  properties: { email: `${id}@example.com` },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  archived: false,
});

function fetcherAnswering(answer: { results: ReturnType<typeof record>[]; errors: unknown[] }) {
  const client = { batchRead: async () => answer } as unknown as HubSpotClient;
  return createHubSpotFetchActivities(
    {
      hubspotFor: () => client,
      propertyCatalog: { propertiesToRead: async (_portal, type) => propertiesFor(type, DEFAULT_MAPPING) },
      logger: createLogger('silent'),
    },
    { quietMs: 1, maxWaitMs: 5 },
  );
}

const fetchAll = (fetcher: ReturnType<typeof fetcherAnswering>, ids: string[]) =>
  Promise.allSettled(
    ids.map((objectId) => fetcher.fetchHubSpotRecord({ portalId: '1', objectType: 'contacts', objectId })),
  );

describe('fetchHubSpotRecord', () => {
  it('resolves found records, null only for ids named OBJECT_NOT_FOUND, and fails the ids the answer left out', async () => {
    const fetcher = fetcherAnswering({
      results: [record('1')],
      errors: [{ category: 'OBJECT_NOT_FOUND', message: 'Could not get some CONTACT objects', inputIds: ['2'] }],
    });
    const [found, gone, silent] = await fetchAll(fetcher, ['1', '2', '3']);
    expect(found).toMatchObject({ status: 'fulfilled', value: { id: '1' } });
    expect(gone).toEqual({ status: 'fulfilled', value: null });
    expect(silent?.status).toBe('rejected');
    expect((silent as PromiseRejectedResult).reason).toBeInstanceOf(UnaccountedRecordsError);
  });

  it('a 200 answer with no records and no errors deletes nothing: every fetch fails', async () => {
    const outcomes = await fetchAll(fetcherAnswering({ results: [], errors: [] }), ['4', '5']);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });

  it('one malformed record in a shared batch/read fails only its own fetch (simulator over HTTP)', async () => {
    resetPortalRateLimiters();
    const sim = await startSim();
    try {
      await sim.admin.post('/seed', { seedValue: 3, contacts: 3, owners: 1 });
      const ids = [...(await simRecords(sim, 'contacts')).keys()];
      // The second record of the answer loses its updatedAt (HubSpot documents it on every record).
      await addFaults(sim, [
        {
          type: 'malformed',
          match: 'POST /crm/v3/objects/contacts/batch/read',
          field: 'results[1].updatedAt',
          mode: 'null',
        },
      ]);
      const client = clientFor(sim);
      const fetcher = createHubSpotFetchActivities(
        {
          hubspotFor: () => client,
          propertyCatalog: { propertiesToRead: async (_portal, type) => propertiesFor(type, DEFAULT_MAPPING) },
          logger: createLogger('silent'),
        },
        { quietMs: 5, maxWaitMs: 50 },
      );
      const outcomes = await fetchAll(fetcher as ReturnType<typeof fetcherAnswering>, ids);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o.value as { id: string }).id)).toHaveLength(
        2,
      );
      expect(rejected).toHaveLength(1);
      expect(rejected[0]?.reason).toBeInstanceOf(HubSpotResponseShapeError);
      expect(String(rejected[0]?.reason.message)).toMatch(/results\[1\]\.updatedAt/);
    } finally {
      await sim.close();
    }
  });
});

describe('fetchHubSpotRecord: when a shared batch/read goes out (a fake clock)', () => {
  const QUIET_MS = 30;
  const MAX_WAIT_MS = 20_000;

  /** A fetcher whose batch/read answers every id at once; `batches` holds the ids of each call. */
  function countingFetcher() {
    const batches: string[][] = [];
    const client = {
      batchRead: async (_type: string, ids: string[]) => {
        batches.push(ids);
        return { results: ids.map(record), errors: [] };
      },
    } as unknown as HubSpotClient;
    const fetcher = createHubSpotFetchActivities(
      {
        hubspotFor: () => client,
        propertyCatalog: { propertiesToRead: async (_portal, type) => propertiesFor(type, DEFAULT_MAPPING) },
        logger: createLogger('silent'),
      },
      { quietMs: QUIET_MS, maxWaitMs: MAX_WAIT_MS, bulkAsks: 10, rateWindowMs: 5_000 },
    );
    const ask = (objectId: string) => fetcher.fetchHubSpotRecord({ portalId: '1', objectType: 'contacts', objectId });
    return { batches, ask };
  }

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('a lone read goes out after the quiet gap, alone', async () => {
    const { batches, ask } = countingFetcher();
    const read = ask('1');
    await jest.advanceTimersByTimeAsync(QUIET_MS - 1);
    expect(batches).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([['1']]);
    await expect(read).resolves.toMatchObject({ id: '1' });
  });

  it('a stream of reads fills batches of 100; the rest goes out at the deadline, not at a pause', async () => {
    const { batches, ask } = countingFetcher();
    const reads: Array<Promise<unknown>> = [];
    for (let i = 1; i <= 150; i++) {
      reads.push(ask(String(i)));
      await jest.advanceTimersByTimeAsync(10);
    }
    expect(batches.map((ids) => ids.length)).toEqual([100]);
    // The 101st ask opened the second batch 1,000 ms in; it waits for more ids until 20 s after that.
    await jest.advanceTimersByTimeAsync(1_000 + MAX_WAIT_MS - 1_500 - 1);
    expect(batches.map((ids) => ids.length)).toEqual([100]);
    await jest.advanceTimersByTimeAsync(1);
    expect(batches.map((ids) => ids.length)).toEqual([100, 50]);
    expect(batches.flat()).toEqual(Array.from({ length: 150 }, (_, i) => String(i + 1)));
    await Promise.all(reads);
  });
});
