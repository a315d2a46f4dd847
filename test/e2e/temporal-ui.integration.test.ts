// The Temporal Web UI as the operator's window: real sync runs (a push, a webhook-driven inbound workflow), then
// the dev server's UI in headless Chromium filtered by search attributes. The filtered list must show exactly the
// runs the query names; the screenshot (artifacts/, git-ignored) is what the README describes.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { inboundObjectWorkflowId, pushWorkflowId } from '../../src/workflow-safe/ids';
import { temporalAddress } from '../support/env';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../artifacts');
const uiUrl = (): string => {
  const [host, port] = temporalAddress().split(':');
  return process.env.TEMPORAL_UI_URL ?? `http://${host ?? '127.0.0.1'}:${Number(port ?? 7233) + 1000}`;
};

describe('Temporal UI: sync runs filtered by search attributes', () => {
  let stack: Stack;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`,
      );
    }
    profile = mkdtempSync(join(tmpdir(), 'hubsync-ui-'));
    // A fresh profile per run: no cached UI state (saved queries, column choices) from an earlier run.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1600, height: 900 },
    });
    stack = await startStack({ env: { PUSH_BATCH_WINDOW_MS: '50' } });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('lists exactly the runs a search attribute query selects, with their summaries', async () => {
    const { portalId } = stack;
    // Platform side: one contact and one company pushed; HubSpot side: a contact created by a user (webhook).
    const contact = await stack.runtime.prisma.contact.create({
      data: { portalId, email: `ui-${portalId}@ui.example`, firstName: 'Ui' },
    });
    const company = await stack.runtime.prisma.company.create({ data: { portalId, name: 'UI test company' } });
    const posted = await fetch(`${stack.appUrl}/platform/changes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.runtime.config.PLATFORM_API_KEY}` },
      body: JSON.stringify({
        changes: [
          { objectType: 'contacts', localId: contact.id },
          { objectType: 'companies', localId: company.id },
        ],
      }),
    });
    expect(posted.status).toBe(202);
    const created = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
      properties: { email: `hs-${portalId}@ui.example`, firstname: 'Webhook' },
    });

    const outboundContacts = pushWorkflowId(portalId, 'contacts');
    const outboundCompanies = pushWorkflowId(portalId, 'companies');
    const inboundContact = inboundObjectWorkflowId(portalId, 'contacts', created.id);
    const query = `HubSpotObjectType="contacts" AND SyncDirection="outbound" AND PortalId="${portalId}"`;
    // Visibility is eventually consistent: wait until the server's list answers, then ask the UI.
    const listed = async (q: string) => {
      const ids: string[] = [];
      for await (const wf of stack.temporal.workflow.list({ query: q })) ids.push(wf.workflowId);
      return ids;
    };
    await waitFor('the three runs in visibility', async () =>
      (await listed(`PortalId="${portalId}"`)).length >= 3 ? true : undefined,
    );
    expect(await listed(query)).toEqual([outboundContacts]);

    const page = await browser.newPage();
    const url = `${uiUrl()}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.getByText(outboundContacts, { exact: true }).first().waitFor({ timeout: 60_000 });
    const text = await page.locator('body').innerText();
    expect(text).toContain(outboundContacts);
    expect(text).toContain('pushWorkflow');
    expect(text).not.toContain(outboundCompanies);
    expect(text).not.toContain(inboundContact);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-outbound-contacts.png'), fullPage: false });

    // The inbound side of the same portal: the webhook-driven per-record workflow, not the pushes.
    const inboundQuery = `SyncDirection="inbound" AND SyncTrigger="webhook" AND PortalId="${portalId}"`;
    await page.goto(`${uiUrl()}/namespaces/default/workflows?query=${encodeURIComponent(inboundQuery)}`, {
      waitUntil: 'domcontentloaded',
    });
    await page.getByText(inboundContact, { exact: true }).first().waitFor({ timeout: 60_000 });
    const inboundText = await page.locator('body').innerText();
    expect(inboundText).not.toContain(outboundContacts);
    await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-inbound-webhook.png'), fullPage: false });

    // One run's page, and the summary it carries (read through the API: the UI renders it lazily in a tab).
    const description = await stack.temporal.workflow.getHandle(inboundContact).describe();
    expect(await description.staticSummary()).toBe(`HubSpot → PostgreSQL: contacts ${created.id}`);
    await page.getByText(inboundContact, { exact: true }).first().click();
    await page.waitForURL((url) => url.pathname.includes(`/workflows/${encodeURIComponent(inboundContact)}`), {
      timeout: 60_000,
    });
    await page.getByText('Workflow Type', { exact: true }).first().waitFor({ timeout: 60_000 });
    expect(await page.locator('body').innerText()).toContain(inboundContact);
    await page.screenshot({ path: join(ARTIFACTS, 'temporal-ui-inbound-run.png'), fullPage: false });
    await page.close();
  });
});
