// The demo's story, run by scripts/demo.sh once the stack is up: the initial backfill with a progress bar, then a
// few edits on each side, each followed until it has landed on the other side, with where to look for it.
// Against the simulator every step runs; against a real portal (HUBSPOT_ACCESS_TOKEN set) the HubSpot-side steps
// need the simulator's admin API and are skipped, and the platform-side ones write to the portal only when
// DEMO_WRITE_TO_PORTAL=1.
import { runCli } from '../src/cli';
import { parseConfig } from '../src/config';
import { createPrisma } from '../src/store/prisma';
import { simulatorAdmin } from '../src/simulator/admin-client';
import { stepWaiter } from './demo-steps';

const config = parseConfig();
const portalId = config.HUBSPOT_PORTAL_ID;
const simulated = !process.env.HUBSPOT_ACCESS_TOKEN;
const writeToPortal = simulated || process.env.DEMO_WRITE_TO_PORTAL === '1';
const apiUrl = `http://127.0.0.1:${config.PORT}`;
const uiUrl = config.TEMPORAL_UI_URL.replace(/\/$/, '');
const prisma = createPrisma(config.DATABASE_URL, { poolSize: 2 });

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const sim = simulatorAdmin(config.HUBSPOT_BASE_URL);
const until = stepWaiter(60_000, 'data/demo/worker.log');
const say = (text = '') => process.stdout.write(`${text}\n`);

/** A list of runs in the Temporal UI filtered by a search attribute query. */
function uiQuery(query: string): string {
  return `${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(query)}`;
}

type Row = Record<string, unknown>;

async function selectRow(sql: string, ...params: unknown[]): Promise<Row | undefined> {
  const rows = await prisma.$queryRawUnsafe<Row[]>(sql, ...params);
  return rows[0];
}

/** Prints the query an operator can paste into psql and the row it returns. */
function showRow(sql: string, params: unknown[], row: Row): void {
  const literal = sql.replace(/\$(\d+)/g, (_, n: string) => `'${String(params[Number(n) - 1])}'`);
  const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? '' : String(v));
  say(`    psql> ${literal};`);
  say(`          ${Object.values(row).map(cell).join(' | ')}`);
}

function landed(where: string, ms: number): void {
  say(`    landed in ${where} after ${(ms / 1000).toFixed(1)} s`);
}

async function pick(table: string, offset: number): Promise<{ id: string; hubspot_id: string }> {
  const row = await selectRow(
    `SELECT id::text AS id, hubspot_id FROM ${table} WHERE portal_id = $1 AND NOT archived AND hubspot_id IS NOT NULL ORDER BY hubspot_id::bigint OFFSET $2 LIMIT 1`,
    portalId,
    offset,
  );
  if (!row) throw new Error(`no ${table} in portal ${portalId} to edit: did the backfill load anything?`);
  return row as { id: string; hubspot_id: string };
}

/** Waits for a SELECT to return a row, then shows it. */
async function waitRow(what: string, sql: string, ...params: unknown[]): Promise<void> {
  const { value, ms } = await until(what, () => selectRow(sql, ...params));
  landed('PostgreSQL', ms);
  showRow(sql, params, value);
}

const PORTAL_TABLES = [
  'contacts',
  'companies',
  'deals',
  'tasks',
  'tickets',
  'owners',
  'associations',
  'sync_cursors',
  'sync_runs',
  'sync_failures',
  'sync_conflicts',
  'outbox',
  'processed_webhook_events',
  'privacy_erasures',
];

/**
 * The simulator starts fresh on every demo and hands out the same ids again, so rows an earlier demo left for its
 * portal would collide with the new records (and make the story's checks pass before anything happened).
 */
async function forgetEarlierDemo(): Promise<void> {
  const deleted = await prisma.$transaction(async (tx) => {
    let n = 0;
    for (const table of PORTAL_TABLES)
      n += await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE portal_id = $1`, portalId);
    return n;
  });
  if (deleted > 0) say(`   (fresh simulator: removed ${deleted} rows an earlier demo left for portal ${portalId})`);
}

async function backfill(): Promise<void> {
  say(bold('1. Initial backfill: every record of every type, HubSpot → PostgreSQL'));
  say(
    `   (one workflow backfill:${portalId}; page activities on the rate-limited queue ${config.TEMPORAL_HUBSPOT_TASK_QUEUE})`,
  );
  const started = Date.now();
  const code = await runCli(['backfill'], { stdout: process.stdout, stderr: process.stderr });
  if (code !== 0) throw new Error(`the backfill failed (exit code ${code})`);
  say(`   done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${uiQuery('SyncTrigger="backfill"')}`);
  say();
}

async function hubspotSide(): Promise<void> {
  say(bold('2. Edits in HubSpot (as a HubSpot user; webhooks → per-record workflows → PostgreSQL)'));
  if (!simulated) {
    say("   skipped: these steps use the simulator's admin API to act as a HubSpot user. Edit a record in your portal");
    say(`   and watch it arrive: ${uiQuery('SyncTrigger="webhook"')}`);
    say();
    return;
  }
  const inbound = (type: string, id: string) =>
    say(
      `    Temporal: hubspot:${portalId}:${type}:${id} → ${uiQuery(`WorkflowId="hubspot:${portalId}:${type}:${id}"`)}`,
    );

  const renamed = await pick('contacts', 0);
  say(`  ▸ rename contact ${renamed.hubspot_id} to "Ada Lovelace"`);
  await sim('PATCH', `/__sim/objects/contacts/${renamed.hubspot_id}`, {
    properties: { firstname: 'Ada', lastname: 'Lovelace' },
  });
  await waitRow(
    'the rename',
    `SELECT id, hubspot_id, first_name, last_name, updated_at FROM contacts WHERE portal_id = $1 AND hubspot_id = $2 AND first_name = 'Ada'`,
    portalId,
    renamed.hubspot_id,
  );
  inbound('contacts', renamed.hubspot_id);

  say('  ▸ create a deal "hubsync demo deal" (4200)');
  const deal = await sim<{ id: string }>('POST', '/__sim/objects/deals', {
    properties: { dealname: 'hubsync demo deal', amount: '4200' },
  });
  await waitRow(
    'the new deal',
    `SELECT id, hubspot_id, name, amount, created_at FROM deals WHERE portal_id = $1 AND hubspot_id = $2`,
    portalId,
    deal.id,
  );
  inbound('deals', deal.id);

  const ticket = await pick('tickets', 0);
  say(`  ▸ archive ticket ${ticket.hubspot_id}`);
  await sim('DELETE', `/__sim/objects/tickets/${ticket.hubspot_id}`);
  await waitRow(
    'the archive',
    `SELECT id, hubspot_id, archived, archived_at FROM tickets WHERE portal_id = $1 AND hubspot_id = $2 AND archived`,
    portalId,
    ticket.hubspot_id,
  );
  inbound('tickets', ticket.hubspot_id);

  const [survivor, merged] = [await pick('contacts', 1), await pick('contacts', 2)];
  say(`  ▸ merge contact ${merged.hubspot_id} into ${survivor.hubspot_id}`);
  await sim('POST', '/__sim/objects/contacts/merge', {
    primaryObjectId: survivor.hubspot_id,
    objectIdToMerge: merged.hubspot_id,
  });
  await waitRow(
    'the merge',
    `SELECT id, hubspot_id, archived, merged_into_id FROM contacts WHERE portal_id = $1 AND hubspot_id = $2 AND merged_into_id IS NOT NULL`,
    portalId,
    merged.hubspot_id,
  );
  inbound('contacts', survivor.hubspot_id);

  const [contact, company] = [await pick('contacts', 3), await pick('companies', 0)];
  say(`  ▸ associate contact ${contact.hubspot_id} with company ${company.hubspot_id}`);
  await sim('POST', '/__sim/associations', {
    fromType: 'contacts',
    fromId: contact.hubspot_id,
    toType: 'companies',
    toId: company.hubspot_id,
  });
  await waitRow(
    'the association',
    `SELECT from_type, from_id, to_type, to_id, archived, last_event_at FROM associations WHERE portal_id = $1 AND from_type = 'companies' AND from_id = $2 AND to_type = 'contacts' AND to_id = $3 AND NOT archived`,
    portalId,
    company.hubspot_id,
    contact.hubspot_id,
  );
  inbound('contacts', contact.hubspot_id);
  say();
}

async function platformSide(): Promise<void> {
  say(bold('3. Edits on the platform (PostgreSQL → push workflows → HubSpot batch writes)'));
  if (!writeToPortal) {
    say('   skipped: against a real portal these steps would write to it; run with DEMO_WRITE_TO_PORTAL=1 to let them');
    say('   (they change one contact\'s job title and create one company named "hubsync demo company").');
    say();
    return;
  }
  const contact = await pick('contacts', 4);
  const title = `Chief Demo Officer ${new Date().toISOString().slice(11, 19)}`;
  say(`  ▸ the platform sets contact ${contact.id}'s job title, then POST /platform/changes`);
  await prisma.$executeRawUnsafe(
    `UPDATE contacts SET job_title = $1, updated_at = now() WHERE id = $2::uuid`,
    title,
    contact.id,
  );
  const res = await fetch(`${apiUrl}/platform/changes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${config.PLATFORM_API_KEY}` },
    body: JSON.stringify({ changes: [{ objectType: 'contacts', localId: contact.id, fields: ['jobTitle'] }] }),
  });
  if (res.status !== 202) throw new Error(`POST /platform/changes answered ${res.status}: ${await res.text()}`);
  say(`    202 Accepted: Temporal holds the change (push:${portalId}:contacts)`);
  await landedInHubSpot('contacts', contact.hubspot_id, (p) => p.jobtitle === title, `jobtitle = "${title}"`);
  say(`    Temporal: ${uiQuery('HubSpotObjectType="contacts" AND SyncDirection="outbound"')}`);

  say('  ▸ the platform creates a company and writes an outbox row in the same transaction');
  const domain = `demo-${Date.now()}.hubsync.example`;
  const inserted = Date.now();
  const companyId = await prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<Array<{ id: string }>>(
      `INSERT INTO companies (portal_id, name, domain) VALUES ($1, 'hubsync demo company', $2) RETURNING id::text AS id`,
      portalId,
      domain,
    );
    if (!row) throw new Error('the company insert returned nothing');
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox (portal_id, object_type, local_id) VALUES ($1, 'companies', $2::uuid)`,
      portalId,
      row.id,
    );
    return row.id;
  });
  const { value: hubspotId } = await until('the company push', async () => {
    const row = await selectRow(
      `SELECT hubspot_id FROM companies WHERE id = $1::uuid AND hubspot_id IS NOT NULL`,
      companyId,
    );
    return row ? String(row.hubspot_id) : undefined;
  });
  await landedInHubSpot('companies', hubspotId, (p) => p.domain === domain, `domain = ${domain}`, inserted);
  showRow(
    `SELECT id, hubspot_id, name, domain FROM companies WHERE id = $1`,
    [companyId],
    (await selectRow(`SELECT id, hubspot_id, name, domain FROM companies WHERE id = $1::uuid`, companyId)) ?? {},
  );
  say(
    `    Temporal: outbox-relay:${portalId} and push:${portalId}:companies → ${uiQuery('HubSpotObjectType="companies" AND SyncDirection="outbound"')}`,
  );
  say();
}

/** The simulator shows HubSpot's copy; against a real portal the row's push bookkeeping is the evidence. */
async function landedInHubSpot(
  type: string,
  hubspotId: string,
  holds: (p: Record<string, string | null>) => boolean,
  what: string,
  since = Date.now(),
): Promise<void> {
  if (simulated) {
    await until(`${type} ${hubspotId} in HubSpot`, async () => {
      const record = await sim<{ properties: Record<string, string | null> }>(
        'GET',
        `/__sim/objects/${type}/${hubspotId}`,
      );
      return holds(record.properties) ? true : undefined;
    });
    landed('HubSpot', Date.now() - since);
    say(
      `    HubSpot record ${type}/${hubspotId}: ${what}  (${config.HUBSPOT_BASE_URL}/__sim/objects/${type}/${hubspotId})`,
    );
    return;
  }
  await until(`${type} ${hubspotId} pushed`, async () => {
    const row = await selectRow(
      `SELECT 1 FROM ${type} WHERE portal_id = $1 AND hubspot_id = $2 AND sync_state::text LIKE '%pushedAt%'`,
      portalId,
      hubspotId,
    );
    return row ? true : undefined;
  });
  landed('HubSpot', Date.now() - since);
  say(`    HubSpot record ${type}/${hubspotId}: ${what}`);
}

function whereToLook(): void {
  say(bold('Where to look'));
  say(`  Temporal UI           ${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`);
  say(`    outbound contacts   ${uiQuery('HubSpotObjectType="contacts" AND SyncDirection="outbound"')}`);
  say(`    webhook-driven      ${uiQuery('SyncTrigger="webhook"')}`);
  say(`    hourly sync runs    ${uiQuery(`SyncTrigger="schedule" AND PortalId="${portalId}"`)}`);
  say(`  hubsync API           ${apiUrl}  (/openapi.json, POST /webhooks/hubspot, POST /platform/changes)`);
  say(
    `  admin listener        http://${config.ADMIN_HOST}:${config.ADMIN_PORT}  (/readyz, /metrics, /codec, /openapi.json)`,
  );
  say(`  worker metrics        http://${config.HOST}:${config.WORKER_METRICS_PORT}/metrics`);
  say('  CLI                   npm run cli -- status | failures | replay | sync now | push <type> <localId>');
}

async function main(): Promise<void> {
  const started = Date.now();
  say();
  say(bold(`hubsync demo: portal ${portalId} at ${config.HUBSPOT_BASE_URL}${simulated ? ' (simulator)' : ''}`));
  say();
  if (simulated) await forgetEarlierDemo();
  await backfill();
  await hubspotSide();
  await platformSide();
  const status = await runCli(['status'], { stdout: process.stdout, stderr: process.stderr });
  if (status !== 0) throw new Error('hubsync status failed');
  say();
  whereToLook();
  say();
  say(`[demo] story finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`[demo] story failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
