// The worker's start-up check of the field mapping against HubSpot's property definitions, against the
// simulator over real HTTP: as a function, and as the real worker process refusing to start.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHubSpotClient, StaticTokenProvider, type HubSpotClient } from '../src/hubspot';
import { startSimulator, type RunningSimulator } from '../src/simulator';
import { DEFAULT_MAPPING, parseMappingConfig } from '../src/sync';
import { checkMappingAtStartup, MappingStartupError } from '../src/sync-startup';
import { testDatabaseUrl, temporalAddress } from './support/env';

const badMapping = {
  contacts: {
    uniqueProperty: 'email',
    fields: [
      { column: 'email', hubspotProperty: 'email' },
      { column: 'firstName', hubspotProperty: 'first_name_typo' },
    ],
  },
};

describe('mapping check at worker start', () => {
  let sim: RunningSimulator;
  let hubspot: HubSpotClient;

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      portals: [{ portalId: '7700001', token: 'startup-token', tier: 'unlimited' }],
    });
    hubspot = createHubSpotClient({
      baseUrl: sim.url,
      portalId: '7700001',
      tokens: new StaticTokenProvider('startup-token'),
      requestsPer10s: 1000,
    });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('rejects a mapping to a property HubSpot does not have, naming it', async () => {
    const error = await checkMappingAtStartup(hubspot, parseMappingConfig(badMapping)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MappingStartupError);
    expect((error as Error).message).toContain(
      'contacts: property (mapped from firstName) "first_name_typo" does not exist in HubSpot',
    );
  });

  it('rejects writing a read-only property', async () => {
    const mapping = parseMappingConfig({
      contacts: {
        fields: [
          { column: 'email', hubspotProperty: 'email' },
          { column: 'jobTitle', hubspotProperty: 'hs_email_domain' },
        ],
      },
    });
    await expect(checkMappingAtStartup(hubspot, mapping)).rejects.toThrow(
      /"hs_email_domain" is (read-only|calculated)/,
    );
  });

  it('accepts the default mapping and creates the hubsync_local_id upsert key on every type', async () => {
    await checkMappingAtStartup(hubspot, DEFAULT_MAPPING);
    for (const type of ['contacts', 'companies', 'deals', 'tasks', 'tickets'] as const) {
      const property = (await hubspot.getProperties(type)).find((p) => p.name === 'hubsync_local_id');
      expect(property).toMatchObject({ hasUniqueValue: true, type: 'string' });
    }
    // A second start finds it and does not fail on HubSpot's "already exists".
    await expect(checkMappingAtStartup(hubspot, DEFAULT_MAPPING)).resolves.toBeUndefined();
  });

  it('retries while HubSpot answers 5xx or drops the connection, but not a refused token', async () => {
    const faults = (rules: unknown[]) =>
      fetch(`${sim.url}/__sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules }),
      });
    await faults([
      { type: 'error', status: 504, match: 'GET /crm/v3/properties', times: 2 },
      { type: 'drop', match: 'GET /crm/v3/properties', times: 1 },
    ]);
    await expect(
      checkMappingAtStartup(hubspot, DEFAULT_MAPPING, undefined, { firstDelayMs: 20 }),
    ).resolves.toBeUndefined();
    const left = (await (await fetch(`${sim.url}/__sim/faults`)).json()) as { rules: Array<{ remaining: number }> };
    expect(left.rules.every((rule) => rule.remaining === 0)).toBe(true); // every fault was met, and retried past

    const refused = createHubSpotClient({
      baseUrl: sim.url,
      portalId: '7700001',
      tokens: new StaticTokenProvider('not-the-token'),
      requestsPer10s: 1000,
    });
    const startedAt = Date.now();
    await expect(checkMappingAtStartup(refused, DEFAULT_MAPPING, undefined, { firstDelayMs: 5_000 })).rejects.toThrow(
      /401|auth/i,
    );
    expect(Date.now() - startedAt).toBeLessThan(5_000); // not retried
  });

  it('the worker process exits at start with a message naming the property', async () => {
    const file = join(tmpdir(), `hubsync-bad-mapping-${randomUUID()}.json`);
    writeFileSync(file, JSON.stringify(badMapping));
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'src/worker.ts'], {
      cwd: join(__dirname, '..'),
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: testDatabaseUrl(),
        TEMPORAL_ADDRESS: temporalAddress(),
        HUBSPOT_BASE_URL: sim.url,
        HUBSPOT_ACCESS_TOKEN: 'startup-token',
        HUBSPOT_PORTAL_ID: '7700001',
        HUBSYNC_MAPPING_FILE: file,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('"first_name_typo" does not exist in HubSpot');
  }, 60_000);
});
