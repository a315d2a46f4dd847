// The association conflict rule end to end: the platform removes an association while a HubSpot user changes
// it (gives it a label) after the platform's change. HubSpot's newer change wins (README "Associations, both
// ways": "HubSpot's newer change of an association wins (a sync_conflicts row)"): nothing is archived in HubSpot,
// the conflict is recorded, and both sides end with the same associations.
import { pushStartOptions } from '../../src/outbound/notify';
import { startOutboxRelay } from '../../src/outbound/start-outbox-relay';
import { startManualSync } from '../../src/scheduled/start-sync';
import { startStack, type Stack } from '../support/stack';
import { counters, resetCounters, waitFor } from './helpers';

jest.setTimeout(240_000);

interface Row {
  association_type_id: number;
  label: string | null;
  archived: boolean;
  last_event_at: Date | null;
}

// Generic subscriptions carry the association's type id; legacy ones (CONTACT_TO_COMPANY) name the pair only,
// and the pair's touch time is what the rule weighs.
describe.each(['generic', 'legacy'])(
  'an association removed on the platform while HubSpot changes it (%s webhooks)',
  (format) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack();
      await stack.sim('POST', '/__sim/webhooks/config', { subscriptionFormat: format });
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
      return (await res.json()) as T;
    };
    /** HubSpot's live associations of the company to the contact: `typeId:label`. */
    const inHubSpot = async (companyId: string, contactId: string) => {
      const read = await hubspot<{
        results: Array<{
          to: Array<{ toObjectId: string | number; associationTypes: Array<{ typeId: number; label: string | null }> }>;
        }>;
      }>('POST', '/crm/v4/associations/companies/contacts/batch/read', { inputs: [{ id: companyId }] });
      return (read.results[0]?.to ?? [])
        .filter((t) => String(t.toObjectId) === contactId)
        .flatMap((t) => t.associationTypes.map((a) => `${a.typeId}:${a.label ?? ''}`))
        .sort();
    };
    const rows = (companyId: string, contactId: string) =>
      stack.runtime.prisma.$queryRawUnsafe<Row[]>(
        `SELECT association_type_id, label, archived, last_event_at FROM associations
        WHERE portal_id = $1 AND from_type = 'companies' AND from_id = $2 AND to_type = 'contacts' AND to_id = $3
        ORDER BY association_type_id`,
        stack.portalId,
        companyId,
        contactId,
      );
    const live = async (companyId: string, contactId: string) =>
      (await rows(companyId, contactId))
        .filter((r) => !r.archived)
        .map((r) => `${r.association_type_id}:${r.label ?? ''}`)
        .sort();

    it('keeps HubSpot’s newer state, records the conflict, and both sides end equal', async () => {
      const { prisma } = stack.runtime;
      const company = await stack.sim<{ id: string }>('POST', '/__sim/objects/companies', {
        properties: { name: 'Hooli', domain: 'hooli.example' },
      });
      const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
        properties: { email: 'gavin@hooli.example' },
      });
      await stack.sim('POST', '/__sim/associations', {
        fromType: 'companies',
        fromId: company.id,
        toType: 'contacts',
        toId: contact.id,
      });
      const champion = (
        await hubspot<{ results: Array<{ typeId: number }> }>(
          'POST',
          '/crm/v4/associations/companies/contacts/labels',
          {
            label: 'Champion',
            name: 'champion',
          },
        )
      ).results[0]!.typeId;
      await (
        await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts', 'companies'])
      ).result();
      expect(await live(company.id, contact.id)).toEqual(await inHubSpot(company.id, contact.id));
      const localCompany = await prisma.company.findFirstOrThrow({
        where: { portalId: stack.portalId, hubspotId: company.id },
      });
      const localContact = await prisma.contact.findFirstOrThrow({
        where: { portalId: stack.portalId, hubspotId: contact.id },
      });

      // The platform removes the whole association (its outbox entry waits: no relay runs yet) …
      const entry = await prisma.outboxEntry.create({
        data: {
          portalId: stack.portalId,
          objectType: 'contacts',
          localId: localContact.id,
          associationToType: 'companies',
          associationToId: localCompany.id,
          associationRemove: true,
        },
      });
      // … and afterwards a HubSpot user labels it "Champion": HubSpot's change is the newer one.
      await stack.sim('POST', '/__sim/associations', {
        fromType: 'companies',
        fromId: company.id,
        toType: 'contacts',
        toId: contact.id,
        labelTypeId: champion,
      });
      await waitFor('HubSpot’s change applied here', async () =>
        (await rows(company.id, contact.id)).some((r) => !r.archived && r.last_event_at! > entry.createdAt)
          ? true
          : undefined,
      );

      await resetCounters(stack);
      const relayId = await startOutboxRelay(stack.temporal, pushStartOptions(stack.runtime.config), stack.portalId, {
        pollIntervalMs: 100,
        activityRunMs: 5_000,
      });
      try {
        const conflict = await waitFor('conflict recorded', () =>
          prisma.syncConflict.findFirst({
            where: { portalId: stack.portalId, property: { startsWith: 'association:companies→contacts' } },
          }),
        );
        expect(conflict).toMatchObject({
          objectType: 'contacts',
          localId: localContact.id,
          localValue: 'removed',
          hubspotValue: 'associated',
          localChangedAt: entry.createdAt,
          policy: 'newest',
          winner: 'hubspot',
        });
        expect(conflict.hubspotChangedAt!.getTime()).toBeGreaterThan(entry.createdAt.getTime());
        expect((await prisma.outboxEntry.findUniqueOrThrow({ where: { id: entry.id } })).dispatchedAt).not.toBeNull();
      } finally {
        await stack.temporal.workflow.getHandle(relayId).terminate('test done');
      }

      // HubSpot's state stands on both sides: nothing was archived there, and the rows match it.
      const writes = Object.keys((await counters(stack)).byEndpoint).filter((e) => /\/crm\/v4\/.*\/batch\//.test(e));
      expect(writes.filter((e) => !e.endsWith('/batch/read'))).toEqual([]);
      const hubspotSide = await inHubSpot(company.id, contact.id);
      expect(hubspotSide).toContain(`${champion}:Champion`);
      // Generic events name the label's type: the rows match HubSpot already (legacy ones: after the next sync).
      if (format === 'generic') expect(await live(company.id, contact.id)).toEqual(hubspotSide);
      // The next sync run reads HubSpot's associations again and finds nothing to change.
      await (
        await startManualSync(stack.temporal, stack.portalId, stack.runtime.config, ['contacts', 'companies'])
      ).result();
      expect(await live(company.id, contact.id)).toEqual(hubspotSide);
    });
  },
);
