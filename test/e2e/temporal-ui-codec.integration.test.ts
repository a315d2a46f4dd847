// The Web UI decrypting through hubsync's codec server: a dev server started by scripts/temporal-server.sh
// with TEMPORAL_UI_CODEC_ENDPOINT (as the demo does) pointed at the admin listener, payloads sealed with
// TEMPORAL_PAYLOAD_KEY. Temporal returns ciphertext for the run's summary; headless Chromium shows it in clear,
// having asked the codec server itself (counted at the listener, with the UI's origin).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildAdminApp } from '../../src/http/admin-app';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(240_000);

const ROOT = resolve(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TEMPORAL_PORT = Number(process.env.UI_CODEC_TEMPORAL_PORT ?? 7410);
const CODEC_PORT = TEMPORAL_PORT + 1;
const UI_PORT = TEMPORAL_PORT + 2;
const UI = `http://127.0.0.1:${UI_PORT}`;
const serverEnv = {
  ...process.env,
  TEMPORAL_PORT: String(TEMPORAL_PORT),
  TEMPORAL_UI_PORT: String(UI_PORT),
  TEMPORAL_UI_CODEC_ENDPOINT: `http://127.0.0.1:${CODEC_PORT}/codec`,
};
const temporalScript = (action: string) =>
  spawnSync('bash', ['scripts/temporal-server.sh', action], { cwd: ROOT, env: serverEnv, encoding: 'utf8' });

describe('Temporal UI with the codec server', () => {
  let stack: Stack;
  let admin: FastifyInstance;
  let browser: BrowserContext;
  let profile: string;
  const codecCalls: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
    const started = temporalScript('start');
    if (started.status !== 0) throw new Error(`dev server did not start: ${started.stderr}`);
    stack = await startStack({
      env: {
        TEMPORAL_ADDRESS: `127.0.0.1:${TEMPORAL_PORT}`,
        TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64'),
        CODEC_CORS_ORIGINS: UI,
      },
    });
    admin = await buildAdminApp({ ...stack.runtime, readiness: {} });
    admin.addHook('onRequest', async (request) => {
      if (request.method === 'POST') codecCalls.push(`${request.url} ${request.headers.origin ?? '-'}`);
    });
    await admin.listen({ port: CODEC_PORT, host: '127.0.0.1' });
    profile = mkdtempSync(join(tmpdir(), 'hubsync-ui-codec-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      viewport: { width: 1600, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await admin?.close();
    await stack?.close();
    temporalScript('stop');
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("shows the run's summary decrypted while Temporal holds it encrypted", async () => {
    const created = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { email: `codec-${stack.portalId}@ui.example`, firstname: 'Codec' },
    });
    const workflowId = inboundObjectWorkflowId(stack.portalId, 'contacts', created.id);
    const summary = `HubSpot → PostgreSQL: contacts ${created.id}`;

    // What Temporal stores and returns: the summary payload sealed by the codec.
    const raw = await waitFor('the inbound run', async () =>
      stack.temporal.connection.workflowService
        .describeWorkflowExecution({ namespace: 'default', execution: { workflowId } })
        .catch(() => undefined),
    );
    const sealed = raw.executionConfig?.userMetadata?.summary;
    expect(Buffer.from(sealed?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed?.data ?? []).toString('latin1')).not.toContain(created.id);

    const page = await browser.newPage();
    await page.goto(`${UI}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`, {
      waitUntil: 'domcontentloaded',
    });
    await page.getByText(summary).first().waitFor({ timeout: 90_000 });
    expect(await page.locator('body').innerText()).not.toContain('binary/encrypted');
    await page.screenshot({ path: join(ROOT, 'artifacts', 'temporal-ui-codec-run.png') }).catch(() => undefined);
    await page.close();
    expect(codecCalls).toContain(`/codec/decode ${UI}`);
  });
});
