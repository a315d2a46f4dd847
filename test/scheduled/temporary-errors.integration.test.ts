// Errors HubSpot documents as temporary, answered the way HubSpot answers them (a recording proxy in front of
// the simulator injects them): 477 Migration in Progress with Retry-After is waited out, then the sync
// completes; a 502 from HubSpot's edge with an HTML page is retried like any 5xx.
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';
import type { InjectedResponse, RecordedRequest } from '../support/recording-proxy';
import { rowCount } from './helpers';

jest.setTimeout(180_000);

const EDGE_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';

describe('temporary HubSpot errors', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ withApp: false, withProxy: true, env: { HUBSPOT_REQUESTS_PER_10S: '2000' } });
    await stack.sim('POST', '/__sim/seed', {
      contacts: 120,
      companies: 30,
      deals: 0,
      tickets: 0,
      tasks: 0,
      owners: 2,
      associations: false,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a 477 with Retry-After delays the sync, which then completes; an HTML 502 is retried', async () => {
    const proxy = stack.proxy!;
    const injected: Array<{ request: RecordedRequest; status: number }> = [];
    const once = new Set<string>();
    proxy.intercept((request): InjectedResponse | undefined => {
      if (!once.has('477') && /^\/crm\/v3\/objects\/contacts/.test(request.path)) {
        once.add('477');
        injected.push({ request, status: 477 });
        return {
          status: 477,
          headers: { 'retry-after': '3' },
          body: JSON.stringify({
            status: 'error',
            message: 'Migration in Progress',
            category: 'MIGRATION_IN_PROGRESS',
          }),
        };
      }
      if (!once.has('502') && /^\/crm\/v3\/objects\/companies/.test(request.path)) {
        once.add('502');
        injected.push({ request, status: 502 });
        return { status: 502, headers: { 'content-type': 'text/html' }, body: EDGE_PAGE };
      }
      return undefined;
    });

    const handle = await startManualSync(stack.temporal, stack.portalId, stack.runtime.config);
    await handle.result();

    expect(injected.map((i) => i.status).sort()).toEqual([477, 502]);
    expect(await rowCount(stack.runtime.prisma, 'contacts', stack.portalId)).toBe(120);
    expect(await rowCount(stack.runtime.prisma, 'companies', stack.portalId)).toBe(30);

    // The call refused with 477 was made again, and not before Retry-After (3 s) had passed.
    const migrating = injected.find((i) => i.status === 477)!.request;
    const retry = proxy.requests.find(
      (r) => r.at > migrating.at && r.method === migrating.method && r.url === migrating.url,
    );
    expect(retry).toBeDefined();
    expect(retry!.at - migrating.at).toBeGreaterThanOrEqual(3_000);
    const edge = injected.find((i) => i.status === 502)!.request;
    expect(proxy.requests.some((r) => r.at > edge.at && r.method === edge.method && r.url === edge.url)).toBe(true);
  });
});
