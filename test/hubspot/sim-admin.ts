import axios, { type AxiosInstance } from 'axios';
import { startSimulator } from '../../src/simulator';
import {
  type HubSpotClient,
  type HubSpotClientOptions,
  StaticTokenProvider,
  createHubSpotClient,
} from '../../src/hubspot';

// Test-side access to the simulator: start it on a random port and drive its /__sim admin API over HTTP.
// Only tests touch this; src/hubspot never sees simulator code.

export const SIM_PORTAL = '1000001';
export const SIM_TOKEN = 'sim-token-demo';

export interface SimHandle {
  url: string;
  admin: AxiosInstance;
  close(): Promise<void>;
}

export async function startSim(options: Parameters<typeof startSimulator>[0] = {}): Promise<SimHandle> {
  const sim = await startSimulator({ port: 0, indexingLagMs: 0, ...options });
  const admin = axios.create({ baseURL: `${sim.url}/__sim`, timeout: 120_000 });
  return { url: sim.url, admin, close: () => sim.close() };
}

export async function addFaults(sim: SimHandle, rules: Array<Record<string, unknown>>): Promise<void> {
  await sim.admin.post('/faults', { rules });
}

export interface Counters {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  rateLimited: Record<string, number>;
}

export async function counters(sim: SimHandle): Promise<Counters> {
  return (await sim.admin.get<Counters>('/counters')).data;
}

export function clientFor(sim: SimHandle, overrides: Partial<HubSpotClientOptions> = {}): HubSpotClient {
  return createHubSpotClient({
    baseUrl: sim.url,
    portalId: SIM_PORTAL,
    tokens: new StaticTokenProvider(SIM_TOKEN),
    requestsPer10s: 190,
    timeoutMs: 10_000,
    ...overrides,
  });
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/** The simulator's own view of a type (independent of the client under test): id → last-modified (ms). */
export async function simRecords(sim: SimHandle, type: string): Promise<Map<string, number>> {
  const { data } = await sim.admin.get<{
    objects: Record<string, Array<{ id: string; archived: boolean; updatedAt: string }>>;
  }>('/state', {
    params: { types: type, includeArchived: false },
    maxContentLength: Number.POSITIVE_INFINITY,
  });
  return new Map((data.objects[type] ?? []).map((r) => [String(r.id), Date.parse(r.updatedAt)]));
}
