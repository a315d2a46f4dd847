// The public-app demo (DEMO_PUBLIC_APP=1 npm run demo): three simulated customers' HubSpot accounts install the
// app through the real OAuth redirect flow (hubsync's /oauth/install → HubSpot's consent page → /oauth/callback),
// each is backfilled on its own budget, then one change on each side, each followed until it has landed, in the
// right account only. Run by scripts/demo.sh once the stack is up; needs the simulator (its admin API).
import { runCli } from '../src/cli';
import { parseConfig } from '../src/config';
import { createPrisma } from '../src/store/prisma';
import { simulatorAdmin } from '../src/simulator/admin-client';
import { stepWaiter } from './demo-steps';

const config = parseConfig();
const portals = (process.env.DEMO_PORTALS ?? '').split(',').filter(Boolean);
const perType = Number(process.env.DEMO_SEED ?? 500);
const apiUrl = `http://127.0.0.1:${config.PORT}`;
const prisma = createPrisma(config.DATABASE_URL, { poolSize: 2 });

const sim = simulatorAdmin(config.HUBSPOT_BASE_URL);
const until = stepWaiter(120_000, 'data/demo/*.log');
const say = (text = ''): boolean => process.stdout.write(`${text}\n`);

/** What a merchant's browser does when they click "Connect HubSpot" and approve on HubSpot's consent page. */
async function install(portalId: string): Promise<void> {
  // The simulator's stand-in for the merchant choosing this account and clicking "Connect app".
  await sim('POST', '/__sim/oauth/next-install', { portalId });
  const start = await fetch(`${apiUrl}/oauth/install`, { redirect: 'manual' });
  const authorize = start.headers.get('location');
  if (!authorize) throw new Error(`GET /oauth/install answered ${start.status} without a redirect`);
  say(`    GET ${apiUrl}/oauth/install → ${start.status} ${authorize.split('?')[0]}?client_id=…&scope=…&state=…`);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (!callback) throw new Error(`HubSpot's consent page answered ${consent.status} without a redirect`);
  say(`    HubSpot consent (account ${portalId}) → ${consent.status} ${callback.split('?')[0]}?code=…&state=…`);
  const done = await fetch(callback, { redirect: 'manual' });
  const page = (await done.text())
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (done.status >= 400) throw new Error(`GET /oauth/callback answered ${done.status}: ${page.slice(0, 200)}`);
  say(`    callback → ${done.status}: ${page.slice(0, 120)}`);
}

const count = async (table: string, portalId: string): Promise<number> => {
  const [row] = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
    `SELECT count(*) AS n FROM ${table} WHERE portal_id = $1`,
    portalId,
  );
  return Number(row?.n ?? 0);
};

async function main(): Promise<void> {
  if (portals.length < 2) throw new Error('DEMO_PORTALS must name the simulated accounts (scripts/demo.sh sets it)');
  say(`\n▸ ${portals.length} customers install the app through HubSpot's OAuth redirect flow`);
  for (const p of portals) await install(p);

  say(`\n▸ each account is backfilled on its own budget (110 requests per 10 s per account)`);
  for (const p of portals) {
    const { ms } = await until(`the backfill of ${p}`, async () =>
      (await count('contacts', p)) >= perType ? true : undefined,
    );
    say(
      `    account ${p}: ${await count('contacts', p)} contacts, ${await count('companies', p)} companies (${(ms / 1000).toFixed(1)} s)`,
    );
  }

  const [a, b, c] = portals as [string, string, string];
  const email = `demo-${Date.now()}@portal-${b}.example`;
  say(`\n▸ HubSpot → platform: a user creates contact ${email} in account ${b}`);
  await sim('POST', `/__sim/objects/contacts?portalId=${b}`, { properties: { email, firstname: 'Demo' } });
  const arrived = await until('the webhook-driven row', async () => {
    const rows = await prisma.$queryRawUnsafe<Array<{ portal_id: string }>>(
      'SELECT portal_id FROM contacts WHERE email = $1',
      email,
    );
    return rows.length > 0 ? rows.map((r) => r.portal_id) : undefined;
  });
  say(
    `    row written for account(s) ${arrived.value.join(', ')} after ${(arrived.ms / 1000).toFixed(1)} s (expected ${b} only)`,
  );

  const target = c ?? a;
  const [row] = await prisma.$queryRawUnsafe<Array<{ id: string; hubspot_id: string }>>(
    `SELECT id::text AS id, hubspot_id FROM contacts WHERE portal_id = $1 AND hubspot_id IS NOT NULL ORDER BY hubspot_id::bigint LIMIT 1`,
    target,
  );
  if (!row) throw new Error(`no contact in account ${target} to edit`);
  const title = `Chief Demo Officer ${new Date().toISOString().slice(11, 19)}`;
  say(`\n▸ platform → HubSpot: the platform sets contact ${row.id}'s job title in account ${target}`);
  await prisma.$executeRawUnsafe(
    `UPDATE contacts SET job_title = $1, updated_at = now() WHERE id = $2::uuid`,
    title,
    row.id,
  );
  const res = await fetch(`${apiUrl}/platform/changes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${config.PLATFORM_API_KEY}` },
    body: JSON.stringify({
      changes: [{ portalId: target, objectType: 'contacts', localId: row.id, fields: ['jobTitle'] }],
    }),
  });
  if (res.status !== 202) throw new Error(`POST /platform/changes answered ${res.status}: ${await res.text()}`);
  const pushed = await until('the push to HubSpot', async () => {
    const rec = await sim<{ properties: Record<string, string | null> }>(
      'GET',
      `/__sim/objects/contacts/${row.hubspot_id}?portalId=${target}`,
    );
    return rec.properties.jobtitle === title ? true : undefined;
  });
  say(`    account ${target} has jobtitle "${title}" after ${(pushed.ms / 1000).toFixed(1)} s`);
  for (const other of portals.filter((p) => p !== target)) {
    const rec = await sim<{ properties: Record<string, string | null> }>(
      'GET',
      `/__sim/objects/contacts/${row.hubspot_id}?portalId=${other}`,
    ).catch(() => undefined);
    say(
      `    account ${other}, same id ${row.hubspot_id}: jobtitle ${JSON.stringify(rec?.properties.jobtitle ?? null)} (untouched)`,
    );
  }

  const budgets = await sim<{
    portals: Array<{ portalId: string; publicAppLimits: { peakPer10s: number; refused: Record<string, number> } }>;
  }>('GET', '/__sim/portals');
  say('\n▸ what each account spent of its budget (the simulator counts per account)');
  for (const p of budgets.portals.filter((x) => portals.includes(x.portalId)))
    say(
      `    account ${p.portalId}: peak ${p.publicAppLimits.peakPer10s} requests in 10 s of 110, ${p.publicAppLimits.refused.TEN_SECONDLY_ROLLING} ten-second 429s`,
    );
  say('\n▸ npm run cli -- portals');
  const code = await runCli(['portals'], { stdout: process.stdout, stderr: process.stderr });
  if (code !== 0) say('    (this build has no `hubsync portals` yet)');
}

main()
  .catch((err: unknown) => {
    say(`[demo] public-app story stopped: ${(err as Error).message}`);
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
