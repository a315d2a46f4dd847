// Convergence under faults. A seeded random run of HubSpot-side and platform-side operations while the
// simulator rate limits, fails, slows down, drops/duplicates/reorders webhooks, and the worker, the server,
// Temporal and PostgreSQL connections are killed. Then the faults stop, an incremental sync runs, and both
// sides must agree. CHAOS_SEED reproduces a run; CHAOS_OPS sets its length (short default for `npm test`).
import { randomInt } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';
import { configEnv, HubsyncProcess, prng, privateTemporal, waitForHttp } from './processes';

// `npm run test:chaos:short` runs the short version on a fixed seed (reproducible); `npm run test:chaos`
// (CHAOS_FULL) explores a fresh random seed each time unless CHAOS_SEED names one.
const SEED = Number(process.env.CHAOS_SEED ?? (process.env.CHAOS_FULL ? randomInt(1, 2 ** 31) : 1));
const OPS = Number(process.env.CHAOS_OPS ?? (process.env.CHAOS_FULL ? 3000 : 300));
const DEADLINE_MS = Number(process.env.CHAOS_SETTLE_MS ?? 240_000);
jest.setTimeout(30 * 60_000);

const FIELDS = [
  ['firstName', 'firstname'],
  ['lastName', 'lastname'],
  ['phone', 'phone'],
  ['jobTitle', 'jobtitle'],
] as const;
const COLUMN_OF: Record<string, string> = {
  email: 'email',
  firstname: 'firstName',
  lastname: 'lastName',
  phone: 'phone',
  jobtitle: 'jobTitle',
};

interface SimContact {
  id: string;
  properties: Record<string, string | null>;
  archived: boolean;
  mergedInto?: string;
}

interface Op {
  n: number;
  kind: string;
  ids: string[];
  detail?: unknown;
}

describe(`chaos: convergence under faults (seed ${SEED}, ${OPS} ops)`, () => {
  let stack: Stack;
  let worker: HubsyncProcess;
  let server: HubsyncProcess;
  let serverUrl: string;
  const rand = prng(SEED);
  const history: Op[] = [];
  const savedAddress = process.env.TEMPORAL_ADDRESS;
  const started = Date.now();

  beforeAll(async () => {
    console.log(`chaos seed ${SEED} (reproduce: CHAOS_SEED=${SEED} CHAOS_OPS=${OPS})`);
    privateTemporal.startFresh();
    process.env.TEMPORAL_ADDRESS = privateTemporal.address;
    const port = 20_000 + (SEED % 20_000);
    serverUrl = `http://127.0.0.1:${port}`;
    stack = await startStack({
      withApp: false,
      withWorker: false,
      env: {
        PORT: String(port),
        HUBSPOT_WEBHOOK_URL: `https://127.0.0.1:${port}/webhooks/hubspot`,
        PUSH_BATCH_WINDOW_MS: '200',
        WEBHOOK_COALESCE_MS: '100',
        WORKFLOW_IDLE_TIMEOUT_MS: '4000',
        HUBSPOT_REQUEST_TIMEOUT_MS: '3000',
        SYNC_WINDOW_OVERLAP_MS: '600000',
      },
      simulator: { seed: undefined },
    });
    const env = configEnv(stack.runtime.config, { LOG_LEVEL: 'warn' });
    worker = new HubsyncProcess('worker', env, `data/chaos/${SEED}-worker.log`);
    server = new HubsyncProcess('server', env, `data/chaos/${SEED}-server.log`);
    worker.start();
    server.start();
    await waitForHttp(`${serverUrl}/healthz`);
    await stack.sim('POST', '/__sim/webhooks/config', {
      targetUrl: `${serverUrl}/webhooks/hubspot`,
      clientSecret: stack.runtime.config.HUBSPOT_CLIENT_SECRET,
      appId: stack.runtime.config.HUBSPOT_APP_ID,
      portalId: stack.portalId,
      timeScale: 86_400,
      duplicateProbability: 0.15,
      outOfOrder: true,
    });
  });

  // Every step runs whatever failed before it, so jest exits by itself even after a failed or half-started run.
  afterAll(async () => {
    const steps: Array<() => Promise<unknown> | unknown> = [
      () => Promise.all([worker?.kill(), server?.kill()]), // SIGKILL: a draining worker could outlive the test
      () => stack?.close(),
      () => privateTemporal.stop(),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        console.log(`chaos cleanup: ${(err as Error).message.slice(0, 200)}`);
      }
    }
    process.env.TEMPORAL_ADDRESS = savedAddress;
  });

  // ---- the platform's side: rows in PostgreSQL, reported over HTTP (retried until accepted) or the outbox ----
  const unreported: Array<{ localId: string; fields?: string[] }> = [];
  async function report(localId: string, fields?: string[]): Promise<void> {
    if (rand.chance(0.3)) {
      await stack.runtime.prisma.outboxEntry.create({
        data: { portalId: stack.portalId, objectType: 'contacts', localId, ...(fields ? { fields } : {}) },
      });
      return;
    }
    unreported.push({ localId, ...(fields ? { fields } : {}) });
    await flushReports();
  }
  async function flushReports(): Promise<boolean> {
    if (unreported.length === 0) return true;
    const changes = unreported.map((c) => ({ objectType: 'contacts', ...c }));
    try {
      const res = await fetch(`${serverUrl}/platform/changes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${stack.runtime.config.PLATFORM_API_KEY}`,
        },
        body: JSON.stringify({ changes }),
        signal: AbortSignal.timeout(8_000),
      });
      if (res.status !== 202) return false; // 503 while Temporal is down: the platform retries later
      unreported.splice(0, changes.length);
      return true;
    } catch {
      return false; // server down
    }
  }

  // ---- the generator's model, used to pick sensible targets and to explain conflicts and rejections ----
  const hubspotLive = new Set<string>(); // HubSpot ids the generator believes live
  const hubspotDeleted = new Set<string>(); // archived by the generator (restorable)
  const dead = new Set<string>(); // merged away or erased: never touched again
  const localRows: string[] = []; // local ids the platform created
  const editedByHubSpot = new Set<string>(); // `${hubspotId}:${property}`
  const editedLocally = new Set<string>(); // `${localId}:${property}`
  const endangered = new Set<string>(); // hubspot ids deleted/merged/erased after being linked
  let counter = 0;
  const value = (field: string) => `${field}-${SEED}-${++counter}`;

  async function linkedLocalId(hubspotId: string): Promise<string | undefined> {
    const row = await stack.runtime.prisma.contact.findFirst({
      where: { portalId: stack.portalId, hubspotId },
      select: { id: true },
    });
    return row?.id;
  }

  async function hubspotOp(n: number): Promise<void> {
    const live = [...hubspotLive];
    const kind =
      live.length < 5
        ? 'create'
        : rand.pick(['create', 'edit', 'edit', 'edit', 'delete', 'restore', 'merge', 'associate', 'gdpr']);
    if (kind === 'create') {
      const props = { email: `hs-${SEED}-${++counter}@chaos.example`, firstname: value('fn'), lastname: value('ln') };
      const record = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', { properties: props });
      hubspotLive.add(record.id);
      history.push({ n, kind: 'hubspot.create', ids: [record.id], detail: props });
    } else if (kind === 'edit') {
      const id = rand.pick(live);
      const [, property] = rand.pick(FIELDS);
      const props = { [property]: value(property) };
      await stack.sim('PATCH', `/__sim/objects/contacts/${id}`, { properties: props });
      editedByHubSpot.add(`${id}:${property}`);
      history.push({ n, kind: 'hubspot.edit', ids: [id], detail: props });
    } else if (kind === 'delete') {
      const id = rand.pick(live);
      await stack.sim('DELETE', `/__sim/objects/contacts/${id}`);
      hubspotLive.delete(id);
      hubspotDeleted.add(id);
      endangered.add(id);
      history.push({ n, kind: 'hubspot.delete', ids: [id] });
    } else if (kind === 'restore' && hubspotDeleted.size > 0) {
      const id = rand.pick([...hubspotDeleted]);
      await stack.sim('POST', `/__sim/objects/contacts/${id}/restore`);
      hubspotDeleted.delete(id);
      hubspotLive.add(id);
      history.push({ n, kind: 'hubspot.restore', ids: [id] });
    } else if (kind === 'merge') {
      const primary = rand.pick(live);
      const merged = rand.pick(live.filter((id) => id !== primary));
      await stack.sim('POST', '/__sim/objects/contacts/merge', { primaryObjectId: primary, objectIdToMerge: merged });
      hubspotLive.delete(merged);
      dead.add(merged);
      endangered.add(merged).add(primary);
      history.push({ n, kind: 'hubspot.merge', ids: [primary, merged] });
    } else if (kind === 'associate') {
      const id = rand.pick(live);
      const company = await stack.sim<{ id: string }>('POST', '/__sim/objects/companies', {
        properties: { name: value('co'), domain: `co-${SEED}-${++counter}.example` },
      });
      await stack.sim('POST', '/__sim/associations', {
        fromType: 'contacts',
        fromId: id,
        toType: 'companies',
        toId: company.id,
        remove: false,
      });
      history.push({ n, kind: 'hubspot.associate', ids: [id, `company:${company.id}`] });
    } else if (kind === 'gdpr') {
      const id = rand.pick(live);
      await stack.sim('POST', `/__sim/objects/contacts/${id}/gdpr-delete`);
      hubspotLive.delete(id);
      dead.add(id);
      endangered.add(id);
      history.push({ n, kind: 'hubspot.gdpr', ids: [id] });
    }
  }

  async function platformOp(n: number): Promise<void> {
    const prisma = stack.runtime.prisma;
    if (localRows.length < 3 || rand.chance(0.35)) {
      const row = await prisma.contact.create({
        data: {
          portalId: stack.portalId,
          email: `pf-${SEED}-${++counter}@chaos.example`,
          firstName: value('fn'),
          lastName: value('ln'),
        },
      });
      localRows.push(row.id);
      history.push({ n, kind: 'platform.create', ids: [row.id] });
      await report(row.id);
      return;
    }
    // Edit a platform-created row, or the local copy of a HubSpot-created one.
    let localId: string | undefined = rand.pick(localRows);
    if (rand.chance(0.5) && hubspotLive.size > 0) localId = await linkedLocalId(rand.pick([...hubspotLive]));
    if (!localId) return;
    const row = await prisma.contact.findUnique({
      where: { id: localId },
      select: { hubspotId: true, archived: true },
    });
    if (!row || row.archived || (row.hubspotId && (dead.has(row.hubspotId) || hubspotDeleted.has(row.hubspotId))))
      return;
    const [column, property] = rand.pick(FIELDS);
    await prisma.contact.update({ where: { id: localId }, data: { [column]: value(property) } });
    editedLocally.add(`${localId}:${property}`);
    history.push({
      n,
      kind: 'platform.edit',
      ids: [localId, ...(row.hubspotId ? [row.hubspotId] : [])],
      detail: { [column]: 'edited' },
    });
    await report(localId, rand.chance(0.5) ? [column] : undefined);
  }

  // ---- faults ----
  async function terminatePgConnections(): Promise<void> {
    const url = new URL(stack.runtime.config.DATABASE_URL);
    const pg = new PgClient({ connectionString: stack.runtime.config.DATABASE_URL });
    await pg.connect();
    try {
      await pg.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [url.pathname.slice(1)],
      );
    } finally {
      await pg.end();
    }
  }

  async function fault(n: number): Promise<void> {
    const kind = rand.pick([
      'rateLimit',
      'error',
      'latency',
      'webhookFailure',
      'worker',
      'server',
      'temporal',
      'postgres',
    ]);
    history.push({ n, kind: `fault.${kind}`, ids: [] });
    const times = 3 + rand.int(8);
    if (kind === 'rateLimit')
      await stack.sim('POST', '/__sim/faults', { rules: [{ type: 'rateLimit', times, probability: 0.7 }] });
    if (kind === 'error')
      await stack.sim('POST', '/__sim/faults', {
        rules: [{ type: 'error', status: rand.pick([500, 502, 503, 504]), times }],
      });
    if (kind === 'latency')
      await stack.sim('POST', '/__sim/faults', { rules: [{ type: 'latency', ms: 200, jitterMs: 800, times }] });
    if (kind === 'webhookFailure')
      await stack.sim('POST', '/__sim/faults', {
        rules: [{ type: 'webhookFailure', status: rand.pick([500, 503, 404]), times }],
      });
    if (kind === 'worker') await worker.restart();
    if (kind === 'server') {
      await server.kill();
      await new Promise((r) => setTimeout(r, 300 + rand.int(1500)));
      server.start();
      await waitForHttp(`${serverUrl}/healthz`);
    }
    if (kind === 'temporal') {
      privateTemporal.stop();
      await new Promise((r) => setTimeout(r, 500 + rand.int(2500)));
      privateTemporal.start();
      if (!worker.running) worker.start();
    }
    if (kind === 'postgres') await terminatePgConnections();
  }

  // ---- settling and comparing ----
  async function settle(): Promise<void> {
    await stack.sim('DELETE', '/__sim/faults');
    if (!worker.running) worker.start();
    if (!server.running) server.start();
    await waitForHttp(`${serverUrl}/healthz`);
    const deadline = Date.now() + DEADLINE_MS;
    while (!(await flushReports())) {
      if (Date.now() > deadline) throw new Error('platform reports never accepted');
      await new Promise((r) => setTimeout(r, 500));
    }
    while (
      (await stack.runtime.prisma.outboxEntry.count({ where: { portalId: stack.portalId, dispatchedAt: null } })) > 0
    ) {
      if (Date.now() > deadline) throw new Error('outbox never drained');
      await new Promise((r) => setTimeout(r, 500));
    }
    await stack.sim('POST', '/__sim/webhooks/drain', { timeoutMs: 60_000 });
    // The hourly sync, run now: it picks up whatever webhooks could not deliver.
    const run = await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts']);
    await Promise.race([
      run.result(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('incremental sync did not finish in 180 s')), 180_000).unref(),
      ),
    ]);
    await stack.sim('POST', '/__sim/webhooks/drain', { timeoutMs: 60_000 });
  }

  async function divergences(): Promise<Array<{ problem: string; ids: string[] }>> {
    const state = await stack.sim<{ objects: { contacts?: SimContact[] } }>('GET', '/__sim/state?types=contacts');
    const remote = state.objects.contacts ?? [];
    const byId = new Map(remote.map((r) => [r.id, r]));
    const local = await stack.runtime.prisma.contact.findMany({ where: { portalId: stack.portalId } });
    const found: Array<{ problem: string; ids: string[] }> = [];
    const liveRemote = remote.filter((r) => !r.archived && !r.mergedInto);

    const emails = new Map<string, string>();
    for (const r of liveRemote) {
      const email = r.properties.email;
      if (!email) continue;
      if (emails.has(email)) found.push({ problem: `duplicate in HubSpot: ${email}`, ids: [emails.get(email)!, r.id] });
      emails.set(email, r.id);
    }
    const liveLocal = local.filter((row) => !row.archived);
    const localEmails = new Map<string, string>();
    for (const row of liveLocal) {
      if (!row.email) continue;
      if (localEmails.has(row.email))
        found.push({ problem: `duplicate locally: ${row.email}`, ids: [localEmails.get(row.email)!, row.id] });
      localEmails.set(row.email, row.id);
    }
    for (const id of localRows) {
      const row = local.find((l) => l.id === id);
      if (!row?.hubspotId) found.push({ problem: 'platform record never reached HubSpot', ids: [id] });
    }
    const localByHubSpot = new Map(liveLocal.filter((l) => l.hubspotId).map((l) => [l.hubspotId!, l]));
    for (const r of liveRemote) {
      const row = localByHubSpot.get(r.id);
      if (!row) {
        found.push({ problem: 'live HubSpot record has no live local row', ids: [r.id] });
        continue;
      }
      for (const [property, column] of Object.entries(COLUMN_OF)) {
        const there = r.properties[property] ?? null;
        const here = ((row as unknown as Record<string, string | null>)[column] ?? null) || null;
        if ((there || null) !== here)
          found.push({ problem: `${property}: HubSpot "${there}" ≠ local "${here}"`, ids: [row.id, r.id] });
      }
    }
    for (const row of liveLocal) {
      if (row.hubspotId && !liveRemote.some((r) => r.id === row.hubspotId)) {
        const r = byId.get(row.hubspotId);
        found.push({
          problem: `live local row points at ${r ? (r.mergedInto ? `merged-away (into ${r.mergedInto})` : 'archived') : 'erased'} HubSpot record`,
          ids: [row.id, row.hubspotId],
        });
      }
    }
    return found;
  }

  async function unexplained(): Promise<string[]> {
    const prisma = stack.runtime.prisma;
    const problems: string[] = [];
    for (const c of await prisma.syncConflict.findMany({ where: { portalId: stack.portalId } })) {
      const ok =
        editedLocally.has(`${c.localId}:${c.property}`) &&
        (c.hubspotId === null || editedByHubSpot.has(`${c.hubspotId}:${c.property}`) || endangered.has(c.hubspotId));
      if (!ok)
        problems.push(
          `conflict on ${c.localId}/${c.hubspotId} ${c.property} (${c.localValue} vs ${c.hubspotValue}) matches no pair of edits`,
        );
    }
    for (const f of await prisma.syncFailure.findMany({ where: { portalId: stack.portalId } })) {
      const ok =
        (f.hubspotId && endangered.has(f.hubspotId)) ||
        (f.localId && history.some((op) => op.ids.includes(f.localId!) && op.ids.some((id) => endangered.has(id))));
      if (!ok)
        problems.push(`failure ${f.direction} ${f.operation} ${f.localId}/${f.hubspotId} ${f.category}: ${f.message}`);
    }
    return problems;
  }

  function touching(ids: string[]): string {
    const related = new Set(ids);
    return history
      .filter((op) => op.ids.some((id) => related.has(id)))
      .map((op) => `  #${op.n} ${op.kind} ${op.ids.join(' ')} ${op.detail ? JSON.stringify(op.detail) : ''}`)
      .join('\n');
  }

  it('both sides agree after the faults stop', async () => {
    const faultEvery = Math.max(15, Math.round(OPS / 40));
    for (let n = 1; n <= OPS; n++) {
      try {
        if (n % faultEvery === 0) await fault(n);
        else if (rand.chance(0.55)) await hubspotOp(n);
        else await platformOp(n);
      } catch (err) {
        // The platform's own database can refuse a statement while its connections are being killed; the
        // operation simply did not happen (the generator only records what succeeded).
        history.push({ n, kind: 'op.failed', ids: [], detail: (err as Error).message.slice(0, 200) });
        if (n % faultEvery === 0)
          console.log(`chaos seed ${SEED}: fault at op ${n} failed: ${(err as Error).message.slice(0, 300)}`);
      }
      if (n % 25 === 0) await flushReports();
    }
    const generated = Date.now();
    await settle();

    let found = await divergences();
    const deadline = Date.now() + DEADLINE_MS;
    while (found.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2_000));
      await stack.sim('POST', '/__sim/webhooks/drain', { timeoutMs: 30_000 });
      found = await divergences();
    }
    const settledAt = Date.now();
    console.log(
      `chaos seed ${SEED}: ${OPS} ops in ${((generated - started) / 1000).toFixed(1)} s, settled in ${((settledAt - generated) / 1000).toFixed(1)} s; ` +
        `worker starts ${worker.starts}, server starts ${server.starts}; faults ${history.filter((h) => h.kind.startsWith('fault.')).length}; failed ops ${history.filter((h) => h.kind === 'op.failed').length}`,
    );
    if (found.length > 0) {
      const first = found[0]!;
      throw new Error(
        `chaos seed ${SEED}: ${found.length} divergences; first: ${first.problem} [${first.ids.join(', ')}]\nhistory:\n${touching(first.ids)}\nothers: ${found
          .slice(1, 8)
          .map((f) => `${f.problem} [${f.ids.join(', ')}]`)
          .join('; ')}`,
      );
    }
    expect(await unexplained()).toEqual([]);
  });
});
