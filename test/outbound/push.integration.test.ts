// End to end: platform rows change in PostgreSQL, the platform reports them over HTTP (or through the outbox),
// the push workflow on the real Temporal server writes them to the simulated HubSpot, and HubSpot's webhook
// echoes come back through the real inbound path.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushStartOptions } from '../../src/outbound/notify';
import { startOutboxRelay } from '../../src/outbound/start-outbox-relay';
import {
  HubSpotObjectTypeKey,
  PortalIdKey,
  SyncDirectionKey,
  SyncTriggerKey,
} from '../../src/workflow-safe/search-attributes';
import { pushWorkflowId } from '../../src/workflow-safe/ids';
import { DEFAULT_MAPPING } from '../../src/sync';
import { startStack, type Stack } from '../support/stack';
import {
  counters,
  pushStatus,
  reportChanges,
  resetCounters,
  simContacts,
  waitFor,
  writeCalls,
  type SimRecord,
} from './helpers';

jest.setTimeout(120_000);

// lastName is settled by HubSpot whatever the change times say; every other field keeps the default (newest).
const mappingFile = join(tmpdir(), `hubsync-push-mapping-${randomUUID()}.json`);
writeFileSync(
  mappingFile,
  JSON.stringify({
    contacts: {
      ...DEFAULT_MAPPING.contacts,
      fields: DEFAULT_MAPPING.contacts.fields.map((f) =>
        f.column === 'lastName' ? { ...f, conflictPolicy: 'hubspot' } : f,
      ),
    },
  }),
);

describe('push: platform changes reach HubSpot', () => {
  let stack: Stack;
  const prisma = () => stack.runtime.prisma;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        PUSH_BATCH_WINDOW_MS: '100',
        WEBHOOK_COALESCE_MS: '50',
        WORKFLOW_IDLE_TIMEOUT_MS: '20000',
        HUBSPOT_REQUEST_TIMEOUT_MS: '1500',
        HUBSYNC_MAPPING_FILE: mappingFile,
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const simContact = (id: string) => stack.sim<SimRecord>('GET', `/__sim/objects/contacts/${id}`);
  const contact = (id: string) => prisma().contact.findUniqueOrThrow({ where: { id } });
  const newContact = (data: { email?: string; firstName?: string; lastName?: string; lifecycleStage?: string }) =>
    prisma().contact.create({ data: { portalId: stack.portalId, ...data } });
  const linked = (id: string) => waitFor(`HubSpot id of ${id}`, async () => (await contact(id)).hubspotId ?? undefined);

  /** Waits until the inbound path has processed every webhook event the simulator emitted for `hubspotId`. */
  async function settleWebhooks(hubspotId: string): Promise<void> {
    await stack.sim('POST', '/__sim/webhooks/drain', { timeoutMs: 20_000 });
    const { events } = await stack.sim<{ events: Array<{ objectId: number | string }> }>(
      'GET',
      '/__sim/webhooks/events?limit=5000',
    );
    const emitted = events.filter((e) => String(e.objectId) === hubspotId).length;
    await waitFor(
      `inbound processing of ${emitted} events of ${hubspotId}`,
      async () =>
        (await prisma().processedWebhookEvent.count({ where: { portalId: stack.portalId, objectId: hubspotId } })) >=
        emitted,
    );
  }

  it('a local create and a local update reach HubSpot; the workflow is tagged outbound', async () => {
    const row = await newContact({ email: 'ada@push.example', firstName: 'Ada', lastName: 'Lovelace' });
    await reportChanges(stack, 'contacts', [row.id]);
    const hubspotId = await linked(row.id);
    expect((await simContact(hubspotId)).properties).toMatchObject({
      email: 'ada@push.example',
      firstname: 'Ada',
      lastname: 'Lovelace',
      hubsync_local_id: row.id,
    });

    await prisma().contact.update({ where: { id: row.id }, data: { firstName: 'Augusta' } });
    await reportChanges(stack, 'contacts', [row.id], ['firstName']);
    await waitFor('update in HubSpot', async () => (await simContact(hubspotId)).properties.firstname === 'Augusta');

    const description = await stack.temporal.workflow.getHandle(pushWorkflowId(stack.portalId, 'contacts')).describe();
    expect(description.typedSearchAttributes.get(SyncDirectionKey)).toBe('outbound');
    expect(description.typedSearchAttributes.get(SyncTriggerKey)).toBe('push');
    expect(description.typedSearchAttributes.get(PortalIdKey)).toBe(stack.portalId);
    expect(description.typedSearchAttributes.get(HubSpotObjectTypeKey)).toBe('contacts');
  });

  it('one local edit costs exactly one HubSpot write; its webhook echo writes nothing locally and pushes nothing', async () => {
    const row = await newContact({ email: 'echo@push.example', firstName: 'Echo' });
    await reportChanges(stack, 'contacts', [row.id]);
    const hubspotId = await linked(row.id);
    await settleWebhooks(hubspotId);

    await prisma().contact.update({ where: { id: row.id }, data: { jobTitle: 'Engineer' } });
    const edited = await contact(row.id);
    await resetCounters(stack);
    await reportChanges(stack, 'contacts', [row.id]);
    await waitFor('edit in HubSpot', async () => (await simContact(hubspotId)).properties.jobtitle === 'Engineer');
    await settleWebhooks(hubspotId);

    expect(writeCalls(await counters(stack))).toBe(1);
    const after = await contact(row.id);
    expect(after.updatedAt).toEqual(edited.updatedAt); // the echo did not write the row
    expect(after.jobTitle).toBe('Engineer');

    // Reporting the record again (as a platform would after any write) sends nothing: the value is HubSpot's.
    const before = await pushStatus(stack, 'contacts');
    await reportChanges(stack, 'contacts', [row.id]);
    await waitFor(
      'second report handled',
      async () => (await pushStatus(stack, 'contacts')).unchanged > before.unchanged,
    );
    expect(writeCalls(await counters(stack))).toBe(1);
  });

  it('a retry after a timeout does not create a duplicate (upsert by email, and by hubsync_local_id)', async () => {
    // The first call is answered after the client gave up (1.5 s); HubSpot still performs it, and the push retries.
    await stack.sim('POST', '/__sim/faults', {
      rules: [
        { type: 'latency', ms: 2500, match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 1 },
        { type: 'latency', ms: 2500, match: 'POST /crm/v3/objects/deals/batch/upsert', times: 1 },
      ],
    });
    await stack.sim('DELETE', '/__sim/requests');
    await resetCounters(stack);
    const person = await newContact({ email: 'slow@push.example', firstName: 'Slow' });
    const deal = await prisma().deal.create({
      data: { portalId: stack.portalId, name: 'Slow deal', amount: '1200.50' },
    });
    await reportChanges(stack, 'contacts', [person.id]);
    await reportChanges(stack, 'deals', [deal.id]);
    const contactId = await linked(person.id);
    const dealId = await waitFor(
      'deal linked',
      async () => (await prisma().deal.findUniqueOrThrow({ where: { id: deal.id } })).hubspotId ?? undefined,
    );

    // Look for duplicates only once every upsert was performed: the slow call has been answered (the simulator logs
    // a call when it answers, with its duration) and both pushes are settled. Whether a retry upserts again depends
    // on timing: when the slow call's record was linked by its own webhook first, the retry has nothing to send.
    const slowCallAnswered = (endpoint: string) => async () => {
      const { requests } = await stack.sim<{ requests: Array<{ endpoint: string; durationMs: number }> }>(
        'GET',
        '/__sim/requests?limit=5000',
      );
      return requests.some((r) => r.endpoint === endpoint && r.durationMs >= 2500) || undefined;
    };
    const pushSettled = (objectType: 'contacts' | 'deals') => async () => {
      const status = await pushStatus(stack, objectType);
      return (status.pending === 0 && status.inFlight === 0) || undefined;
    };
    await waitFor('slow contact upsert answered', slowCallAnswered('POST /crm/v3/objects/contacts/batch/upsert'));
    await waitFor('slow deal upsert answered', slowCallAnswered('POST /crm/v3/objects/deals/batch/upsert'));
    await waitFor('contact push settled', pushSettled('contacts'));
    await waitFor('deal push settled', pushSettled('deals'));
    expect(
      (await simContacts(stack)).filter((c) => c.properties.email === 'slow@push.example').map((c) => c.id),
    ).toEqual([contactId]);
    const deals = await stack.sim<{ objects: { deals: SimRecord[] } }>('GET', '/__sim/state?types=deals');
    expect(deals.objects.deals.filter((d) => d.properties.hubsync_local_id === deal.id).map((d) => d.id)).toEqual([
      dealId,
    ]);
    expect(deals.objects.deals.find((d) => d.id === dealId)?.properties).toMatchObject({
      dealname: 'Slow deal',
      amount: '1200.5',
    });
  });

  it('a value HubSpot rejects is recorded with its message while the other 99 records land', async () => {
    const rows = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        newContact({
          email: `batch${i}@push.example`,
          firstName: `B${i}`,
          lifecycleStage: i === 42 ? 'not-a-stage' : 'lead',
        }),
      ),
    );
    const bad = rows[42]!;
    await reportChanges(
      stack,
      'contacts',
      rows.map((r) => r.id),
    );
    await waitFor(
      '99 linked',
      async () =>
        (await prisma().contact.count({ where: { id: { in: rows.map((r) => r.id) }, hubspotId: { not: null } } })) ===
        99,
    );
    const failure = await waitFor(
      'failure row',
      async () => (await prisma().syncFailure.findFirst({ where: { localId: bad.id } })) ?? undefined,
    );
    expect(failure).toMatchObject({ direction: 'outbound', property: 'lifecyclestage', portalId: stack.portalId });
    expect(failure.message).toContain('not-a-stage');
    expect((await contact(bad.id)).hubspotId).toBeNull();
    const status = await pushStatus(stack, 'contacts');
    expect(status.recentFailures.some((f) => f.localId === bad.id && f.property === 'lifecyclestage')).toBe(true);

    // The same through batch update: one bad value among 100 known records.
    await prisma().contact.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { jobTitle: 'Tester' } });
    const good = rows.filter((r) => r.id !== bad.id);
    await prisma().contact.update({ where: { id: good[7]!.id }, data: { lifecycleStage: 'still-not-a-stage' } });
    await reportChanges(
      stack,
      'contacts',
      good.map((r) => r.id),
    );
    const rejected = await waitFor(
      'update failure',
      async () => (await prisma().syncFailure.findFirst({ where: { localId: good[7]!.id } })) ?? undefined,
    );
    expect(rejected).toMatchObject({ operation: 'update', property: 'lifecyclestage' });
    const landed = await waitFor('98 updates', async () => {
      const titles = (await simContacts(stack)).filter((c) => c.properties.jobtitle === 'Tester').length;
      return titles === 98 ? titles : undefined;
    });
    expect(landed).toBe(98);
  });

  it('with 429s and 5xx for a while, every change still lands once the faults stop', async () => {
    await stack.sim('POST', '/__sim/faults', {
      rules: [
        { type: 'rateLimit', retryAfterSeconds: 1, match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 3 },
        { type: 'error', status: 503, match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 2 },
        { type: 'error', status: 502, match: 'POST /crm/v3/objects/contacts/batch/upsert', times: 1 },
      ],
    });
    const rows = await Promise.all(
      Array.from({ length: 20 }, (_, i) => newContact({ email: `storm${i}@push.example`, firstName: `S${i}` })),
    );
    await resetCounters(stack);
    await reportChanges(
      stack,
      'contacts',
      rows.map((r) => r.id),
    );
    await waitFor(
      'all 20 linked',
      async () =>
        (await prisma().contact.count({ where: { id: { in: rows.map((r) => r.id) }, hubspotId: { not: null } } })) ===
        20,
      60_000,
    );
    const { byStatus, byEndpoint } = await counters(stack);
    expect(byStatus['429']).toBe(3);
    expect((byStatus['503'] ?? 0) + (byStatus['502'] ?? 0)).toBe(3);
    // Six refused attempts, then the one that landed all 20: faults cost retries, never duplicates.
    expect(byEndpoint['POST /crm/v3/objects/contacts/batch/upsert']).toBe(7);
    expect((await simContacts(stack)).filter((c) => c.properties.email?.startsWith('storm'))).toHaveLength(20);
    expect(await prisma().syncFailure.count({ where: { localId: { in: rows.map((r) => r.id) } } })).toBe(0);
  });

  it('conflicting edits on both sides resolve by the field policy and are recorded', async () => {
    const row = await newContact({ email: 'conflict@push.example', firstName: 'Carla', lastName: 'Conflict' });
    await reportChanges(stack, 'contacts', [row.id]);
    const hubspotId = await linked(row.id);
    await settleWebhooks(hubspotId);
    // HubSpot's side must not reach us by webhook first: this is the race the push itself has to settle.
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
    try {
      // firstname (newest): HubSpot edits first, the platform later → the platform wins.
      // lastname (policy hubspot): the platform edits later, yet HubSpot wins.
      await stack.sim('PATCH', `/__sim/objects/contacts/${hubspotId}`, {
        properties: { firstname: 'HubSpotCarla', lastname: 'HubSpotName' },
      });
      await new Promise((resolve) => setTimeout(resolve, 20)); // distinct change times on the two sides
      await prisma().contact.update({
        where: { id: row.id },
        data: { firstName: 'LocalCarla', lastName: 'LocalName' },
      });
      await reportChanges(stack, 'contacts', [row.id]);

      const conflicts = await waitFor('two conflicts', async () => {
        const found = await prisma().syncConflict.findMany({
          where: { localId: row.id },
          orderBy: { property: 'asc' },
        });
        return found.length === 2 ? found : undefined;
      });
      expect(
        conflicts.map((c) => ({
          property: c.property,
          local: c.localValue,
          hubspot: c.hubspotValue,
          policy: c.policy,
          winner: c.winner,
        })),
      ).toEqual([
        { property: 'firstname', local: 'LocalCarla', hubspot: 'HubSpotCarla', policy: 'newest', winner: 'platform' },
        { property: 'lastname', local: 'LocalName', hubspot: 'HubSpotName', policy: 'hubspot', winner: 'hubspot' },
      ]);
      await waitFor(
        'platform value in HubSpot',
        async () => (await simContact(hubspotId)).properties.firstname === 'LocalCarla',
      );
      expect((await simContact(hubspotId)).properties.lastname).toBe('HubSpotName');
      expect(await contact(row.id)).toMatchObject({ firstName: 'LocalCarla', lastName: 'HubSpotName' });

      // newest, the other way round: the platform edits first, HubSpot later → HubSpot wins, nothing is written.
      await prisma().contact.update({ where: { id: row.id }, data: { firstName: 'LocalAgain' } });
      await new Promise((resolve) => setTimeout(resolve, 20));
      await stack.sim('PATCH', `/__sim/objects/contacts/${hubspotId}`, { properties: { firstname: 'HubSpotLater' } });
      await reportChanges(stack, 'contacts', [row.id]);
      const third = await waitFor(
        'third conflict',
        async () =>
          (await prisma().syncConflict.findFirst({ where: { localId: row.id, localValue: 'LocalAgain' } })) ??
          undefined,
      );
      expect(third).toMatchObject({
        property: 'firstname',
        hubspotValue: 'HubSpotLater',
        winner: 'hubspot',
        policy: 'newest',
      });
      expect((await contact(row.id)).firstName).toBe('HubSpotLater');
      expect((await simContact(hubspotId)).properties.firstname).toBe('HubSpotLater');
    } finally {
      await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: `${stack.appUrl}/webhooks/hubspot` });
    }
  });

  it('rows committed with an outbox entry reach HubSpot through the relay', async () => {
    const relayId = await startOutboxRelay(stack.temporal, pushStartOptions(stack.runtime.config), stack.portalId, {
      pollIntervalMs: 100,
      activityRunMs: 5_000,
    });
    try {
      const ids = await prisma().$transaction(async (tx) => {
        const created = await Promise.all(
          [0, 1, 2].map((i) =>
            tx.contact.create({
              data: { portalId: stack.portalId, email: `outbox${i}@push.example`, firstName: `O${i}` },
            }),
          ),
        );
        await tx.outboxEntry.createMany({
          data: created.map((c) => ({ portalId: stack.portalId, objectType: 'contacts', localId: c.id })),
        });
        return created.map((c) => c.id);
      });
      for (const id of ids) await linked(id);
      const entries = await prisma().outboxEntry.findMany({ where: { localId: { in: ids } } });
      expect(entries.every((e) => e.dispatchedAt !== null)).toBe(true);
    } finally {
      await stack.temporal.workflow.getHandle(relayId).terminate('test done');
    }
  });
});
