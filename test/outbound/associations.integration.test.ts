// Associations the platform creates or removes reach HubSpot (the simulator) with their type and label through
// POST /platform/changes and the association push workflow; the webhooks HubSpot sends back for them are echoes
// and write nothing. The same holds for association intents the platform commits to the outbox table.
import { pushStartOptions } from '../../src/outbound/notify';
import { startOutboxRelay } from '../../src/outbound/start-outbox-relay';
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';
import { counters, postChanges, resetCounters, waitFor } from './helpers';

jest.setTimeout(180_000);

interface Row {
  association_type_id: number;
  association_category: string | null;
  label: string | null;
  archived: boolean;
  updated_at: Date;
}

describe('associations pushed from the platform', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => stack?.close());

  const hubspot = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${stack.runtime.config.HUBSPOT_BASE_URL}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.runtime.config.HUBSPOT_ACCESS_TOKEN}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (res.status === 204 ? {} : await res.json()) as T;
  };
  const inHubSpot = async (companyId: string) => {
    const read = await hubspot<{
      results: Array<{
        to: Array<{
          toObjectId: string;
          associationTypes: Array<{ category: string; typeId: number; label: string | null }>;
        }>;
      }>;
    }>('POST', '/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: companyId }] });
    return (read.results[0]?.to ?? []).flatMap((t) =>
      t.associationTypes.map((a) => `${t.toObjectId}:${a.typeId}:${a.category}:${a.label ?? ''}`),
    );
  };
  const rows = (companyId: string, contactId: string) =>
    stack.runtime.prisma.$queryRawUnsafe<Row[]>(
      `SELECT association_type_id, association_category, label, archived, updated_at FROM associations
        WHERE portal_id = $1 AND from_type = 'companies' AND from_id = $2 AND to_type = 'contacts' AND to_id = $3
        ORDER BY association_type_id`,
      stack.portalId,
      companyId,
      contactId,
    );
  const webhooksSettled = () =>
    waitFor('webhook deliveries settled', async () => {
      const s = await stack.sim<{ pending: number; inFlight: number; retrying: number }>(
        'GET',
        '/__sim/webhooks/status',
      );
      return s.pending + s.inFlight + s.retrying === 0 ? true : undefined;
    });
  const v4Writes = async () =>
    Object.entries((await counters(stack)).byEndpoint)
      .filter(([endpoint]) =>
        /^POST \/crm\/v4\/associations\/.*\/batch\/(create|archive|labels\/archive|associate\/default)$/.test(endpoint),
      )
      .map(([endpoint, n]) => `${endpoint} ×${n}`);

  it('creates an association with its label in HubSpot, writes nothing for its echo, then archives it', async () => {
    const { id: companyId } = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', {
      properties: { name: 'Umbrella', domain: 'umbrella.example' },
    });
    const { id: contactId } = await hubspot<{ id: string }>('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'dana@umbrella.example' },
    });
    const label = await hubspot<{ results: Array<{ typeId: number }> }>(
      'POST',
      '/crm/v4/associations/companies/contacts/labels',
      { label: 'Decision maker', name: 'decision_maker' },
    );
    const labelTypeId = label.results[0]!.typeId;
    await (
      await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts', 'companies'])
    ).result();
    const company = await stack.runtime.prisma.company.findFirstOrThrow({
      where: { portalId: stack.portalId, hubspotId: companyId },
    });
    const contact = await stack.runtime.prisma.contact.findFirstOrThrow({
      where: { portalId: stack.portalId, hubspotId: contactId },
    });

    // The platform names the ends by its own ids, from either end, and the label by its name.
    await resetCounters(stack);
    const accepted = await postChanges(stack, {
      associations: [
        { fromType: 'contacts', fromId: contact.id, toType: 'companies', toId: company.id, label: 'Decision maker' },
      ],
    });
    expect(accepted.status).toBe(202);
    await waitFor('association in HubSpot', async () => ((await inHubSpot(companyId)).length > 0 ? true : undefined));
    expect((await inHubSpot(companyId)).sort()).toEqual(
      [`${contactId}:280:HUBSPOT_DEFINED:`, `${contactId}:${labelTypeId}:USER_DEFINED:Decision maker`].sort(),
    );
    const stored = await waitFor('association stored', async () => {
      const r = await rows(companyId, contactId);
      return r.length > 0 ? r : undefined;
    });
    expect(stored.map((r) => [r.association_type_id, r.association_category, r.label, r.archived])).toEqual([
      [labelTypeId, 'USER_DEFINED', 'Decision maker', false],
    ]);

    // HubSpot's webhooks for our write come back (both ends' events): echoes, no row written, nothing sent back.
    await webhooksSettled();
    expect((await stack.sim<{ delivered: number }>('GET', '/__sim/webhooks/status')).delivered).toBeGreaterThan(0);
    const afterEcho = await rows(companyId, contactId);
    expect(afterEcho.map((r) => [r.association_type_id, r.archived, r.updated_at.getTime()])).toEqual(
      stored.map((r) => [r.association_type_id, r.archived, r.updated_at.getTime()]),
    );
    expect(await v4Writes()).toEqual(['POST /crm/v4/associations/companies/contacts/batch/create ×1']);

    // Removed on the platform: archived in HubSpot (the whole association) and here.
    await resetCounters(stack);
    const removed = await postChanges(stack, {
      associations: [{ fromType: 'companies', fromId: company.id, toType: 'contacts', toId: contact.id, remove: true }],
    });
    expect(removed.status).toBe(202);
    await waitFor('association archived in HubSpot', async () =>
      (await inHubSpot(companyId)).length === 0 ? true : undefined,
    );
    await waitFor('association archived here', async () =>
      (await rows(companyId, contactId)).every((r) => r.archived) ? true : undefined,
    );
    await webhooksSettled();
    expect(await v4Writes()).toEqual(['POST /crm/v4/associations/companies/contacts/batch/archive ×1']);
  });

  it('relays association intents committed to the outbox: created with the label, echo-free, then removed', async () => {
    const { id: companyId } = await hubspot<{ id: string }>('POST', '/crm/v3/objects/companies', {
      properties: { name: 'Initech', domain: 'initech.example' },
    });
    const { id: contactId } = await hubspot<{ id: string }>('POST', '/crm/v3/objects/contacts', {
      properties: { email: 'peter@initech.example' },
    });
    const label = await hubspot<{ results: Array<{ typeId: number }> }>(
      'POST',
      '/crm/v4/associations/companies/contacts/labels',
      { label: 'Budget holder', name: 'budget_holder' },
    );
    const labelTypeId = label.results[0]!.typeId;
    await (
      await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts', 'companies'])
    ).result();
    const { prisma } = stack.runtime;
    const company = await prisma.company.findFirstOrThrow({
      where: { portalId: stack.portalId, hubspotId: companyId },
    });
    const contact = await prisma.contact.findFirstOrThrow({
      where: { portalId: stack.portalId, hubspotId: contactId },
    });
    const relayId = await startOutboxRelay(stack.temporal, pushStartOptions(stack.runtime.config), stack.portalId, {
      pollIntervalMs: 100,
      activityRunMs: 5_000,
    });
    try {
      // The platform's own change and its intents in one transaction: the same association twice (relayed once),
      // and one of a pair hubsync does not associate (a failure naming it; the others go on).
      await resetCounters(stack);
      const intent = {
        portalId: stack.portalId,
        objectType: 'contacts',
        localId: contact.id,
        associationToType: 'companies',
        associationToId: company.id,
        associationLabel: 'Budget holder',
      };
      await prisma.$transaction(async (tx) => {
        await tx.contact.update({ where: { id: contact.id }, data: { jobTitle: 'Budget owner' } });
        await tx.outboxEntry.createMany({
          data: [
            intent,
            intent,
            { ...intent, associationToType: 'owners', associationToId: company.id, associationLabel: null },
          ],
        });
      });
      await waitFor('association in HubSpot', async () => ((await inHubSpot(companyId)).length > 0 ? true : undefined));
      expect((await inHubSpot(companyId)).sort()).toEqual(
        [`${contactId}:280:HUBSPOT_DEFINED:`, `${contactId}:${labelTypeId}:USER_DEFINED:Budget holder`].sort(),
      );
      const stored = await waitFor('association stored', async () => {
        const r = await rows(companyId, contactId);
        return r.length > 0 ? r : undefined;
      });
      expect(stored.map((r) => [r.association_type_id, r.label, r.archived])).toEqual([
        [labelTypeId, 'Budget holder', false],
      ]);
      await webhooksSettled();
      expect(
        (await rows(companyId, contactId)).map((r) => [r.association_type_id, r.archived, r.updated_at.getTime()]),
      ).toEqual(stored.map((r) => [r.association_type_id, r.archived, r.updated_at.getTime()]));
      expect(await v4Writes()).toEqual(['POST /crm/v4/associations/companies/contacts/batch/create ×1']);
      const refused = await prisma.syncFailure.findMany({
        where: { portalId: stack.portalId, localId: contact.id, category: 'INVALID_OUTBOX_ENTRY' },
      });
      expect(refused.map((f) => f.message)).toEqual([
        expect.stringMatching(/^outbox entry \d+: contacts and owners are not associated by hubsync$/),
      ]);

      // Removed through the outbox (the whole association): archived in HubSpot and here, one archive call.
      await resetCounters(stack);
      await prisma.outboxEntry.create({
        data: { ...intent, associationLabel: null, associationRemove: true },
      });
      await waitFor('association archived in HubSpot', async () =>
        (await inHubSpot(companyId)).length === 0 ? true : undefined,
      );
      await waitFor('association archived here', async () =>
        (await rows(companyId, contactId)).every((r) => r.archived) ? true : undefined,
      );
      await webhooksSettled();
      expect(await v4Writes()).toEqual(['POST /crm/v4/associations/companies/contacts/batch/archive ×1']);
      expect(
        await prisma.outboxEntry.count({
          where: { localId: contact.id, associationToType: { not: null }, dispatchedAt: null },
        }),
      ).toBe(0);
    } finally {
      await stack.temporal.workflow.getHandle(relayId).terminate('test done');
    }
  });

  it('refuses an unknown label or an unassociated pair with 400 naming the field, and accepts nothing of it', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const unknown = await postChanges(stack, {
      associations: [{ fromType: 'companies', fromId: id, toType: 'contacts', toId: id, label: 'Nemesis' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(
      /^associations\[0\]\.label: unknown association label "Nemesis" for companies→contacts/,
    );
    const pair = await postChanges(stack, {
      associations: [{ fromType: 'companies', fromId: id, toType: 'owners', toId: id }],
    });
    expect(pair.status).toBe(400);
    expect(pair.body.message).toMatch(/^associations\[0\]\.toType: /);
  });
});
