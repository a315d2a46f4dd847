// End to end: changes made in the simulated HubSpot are delivered as real signed webhooks to the running
// app, handed to per-record workflows on the real Temporal server, and land in PostgreSQL.
import {
  HubSpotObjectIdKey,
  HubSpotObjectTypeKey,
  PortalIdKey,
  SyncDirectionKey,
  SyncTriggerKey,
} from '../../src/workflow-safe/search-attributes';
import { dedupeKey, type HubSpotWebhookEvent } from '../../src/sync/events';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { startStack, type Stack } from '../support/stack';
import { deliver, drainWebhooks, waitFor } from './helpers';

describe('webhooks end to end: every kind of HubSpot change reaches PostgreSQL', () => {
  let stack: Stack;

  beforeAll(async () => {
    // A short idle period: workflows complete between steps, so later events also exercise a fresh run.
    stack = await startStack({ env: { WEBHOOK_COALESCE_MS: '50', WORKFLOW_IDLE_TIMEOUT_MS: '3000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const contactRow = (hubspotId: string) =>
    stack.runtime.prisma.contact.findUnique({ where: { portalId_hubspotId: { portalId: stack.portalId, hubspotId } } });
  const createContact = async (properties: Record<string, string>) =>
    (await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', { properties })).id;

  it('create, update, delete and restore of a contact', async () => {
    const id = await createContact({
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      city: 'London',
    });
    await drainWebhooks(stack);
    const created = await waitFor('created row', async () => (await contactRow(id)) ?? undefined);
    expect(created).toMatchObject({
      email: 'ada@example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      archived: false,
    });
    // Unmapped properties land in the JSONB column.
    expect(created.properties).toMatchObject({ city: 'London' });

    const handle = stack.temporal.workflow.getHandle(inboundObjectWorkflowId(stack.portalId, 'contacts', id));
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(PortalIdKey)).toBe(stack.portalId);
    expect(description.typedSearchAttributes.get(HubSpotObjectTypeKey)).toBe('contacts');
    expect(description.typedSearchAttributes.get(HubSpotObjectIdKey)).toBe(id);
    expect(description.typedSearchAttributes.get(SyncDirectionKey)).toBe('inbound');
    expect(description.typedSearchAttributes.get(SyncTriggerKey)).toBe('webhook');
    expect(await description.staticSummary()).toContain(`contacts ${id}`);

    await stack.sim('PATCH', `/__sim/objects/contacts/${id}`, {
      properties: { firstname: 'Augusta', jobtitle: 'Analyst' },
    });
    await drainWebhooks(stack);
    await waitFor('update', async () => (await contactRow(id))?.firstName === 'Augusta');
    expect(await contactRow(id)).toMatchObject({ firstName: 'Augusta', jobTitle: 'Analyst', lastName: 'Lovelace' });

    await stack.sim('DELETE', `/__sim/objects/contacts/${id}`);
    await drainWebhooks(stack);
    const deleted = await waitFor('archived', async () =>
      (await contactRow(id))?.archived ? contactRow(id) : undefined,
    );
    expect(deleted).toMatchObject({ archived: true, email: 'ada@example.com' });
    expect(deleted?.archivedAt).not.toBeNull();

    await stack.sim('POST', `/__sim/objects/contacts/${id}/restore`);
    await drainWebhooks(stack);
    await waitFor('restored', async () => (await contactRow(id))?.archived === false);
    expect(await contactRow(id)).toMatchObject({ archived: false, archivedAt: null, firstName: 'Augusta' });

    // Every applied event was logged, in the transaction of its apply.
    const logged = await stack.runtime.prisma.processedWebhookEvent.count({
      where: { portalId: stack.portalId, objectId: id },
    });
    expect(logged).toBeGreaterThanOrEqual(4);
  });

  it('association changes from both sides land on one row, and removal archives it', async () => {
    const contactId = await createContact({ email: 'grace@example.com' });
    const company = await stack.sim<{ id: string }>('POST', '/__sim/objects/companies', {
      properties: { name: 'Navy', domain: 'navy.example' },
    });
    await stack.sim('POST', '/__sim/associations', {
      fromType: 'contacts',
      fromId: contactId,
      toType: 'companies',
      toId: company.id,
    });
    await drainWebhooks(stack);
    const where = {
      portalId: stack.portalId,
      fromType: 'companies',
      fromId: company.id,
      toType: 'contacts',
      toId: contactId,
    };
    await waitFor(
      'association',
      async () => (await stack.runtime.prisma.association.count({ where: { ...where, archived: false } })) === 1,
    );
    expect(await stack.runtime.prisma.association.count({ where: { portalId: stack.portalId } })).toBe(1);

    await stack.sim('POST', '/__sim/associations', {
      fromType: 'companies',
      fromId: company.id,
      toType: 'contacts',
      toId: contactId,
      remove: true,
    });
    await drainWebhooks(stack);
    await waitFor(
      'association removed',
      async () => (await stack.runtime.prisma.association.findFirst({ where }))?.archived === true,
    );
    expect(
      await stack.runtime.prisma.association.count({ where: { portalId: stack.portalId, fromId: company.id } }),
    ).toBe(1);
  });

  it('merge: the survivor takes over the merged record and its links', async () => {
    const keep = await createContact({ email: 'keep@example.com', firstname: 'Keep' });
    const gone = await createContact({ email: 'gone@example.com', firstname: 'Gone', phone: '+1 555 0100' });
    const company = await stack.sim<{ id: string }>('POST', '/__sim/objects/companies', {
      properties: { name: 'Merged Links Inc', domain: 'links.example' },
    });
    await stack.sim('POST', '/__sim/associations', {
      fromType: 'contacts',
      fromId: gone,
      toType: 'companies',
      toId: company.id,
    });
    await drainWebhooks(stack);
    await waitFor(
      'both rows and the link',
      async () =>
        (await contactRow(gone)) &&
        (await contactRow(keep)) &&
        (await stack.runtime.prisma.association.count({ where: { portalId: stack.portalId, toId: gone } })) === 1,
    );

    const survivor = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts/merge', {
      primaryObjectId: keep,
      objectIdToMerge: gone,
    });
    expect(survivor.id).toBe(keep);
    await drainWebhooks(stack);
    await waitFor('merged row archived', async () => (await contactRow(gone))?.mergedIntoId === keep);
    expect(await contactRow(gone)).toMatchObject({ archived: true, mergedIntoId: keep });
    // The full fetch brought the survivor's merged values (HubSpot moved the phone over).
    await waitFor('survivor refreshed', async () => (await contactRow(keep))?.phone === '+1 555 0100');
    const links = await stack.runtime.prisma.association.findMany({
      where: { portalId: stack.portalId, fromId: company.id },
    });
    expect(links.map((l) => [l.toId, l.archived])).toEqual([[keep, false]]);
  });

  // Found by the chaos run: HubSpot reads a merged-away id as its survivor, so a late event of the merged
  // record whose merge webhook was lost must take it over, not archive it as deleted.
  it('a late creation event of a merged-away record, its merge webhook lost, archives it into the survivor', async () => {
    const keep = await createContact({ email: 'keep2@example.com' });
    const gone = await createContact({ email: 'gone2@example.com' });
    await drainWebhooks(stack);
    await waitFor('both rows', async () => (await contactRow(gone)) && (await contactRow(keep)));
    const config = await stack.sim<{ targetUrl: string }>('GET', '/__sim/webhooks/config');
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
    await stack.sim('POST', '/__sim/objects/contacts/merge', { primaryObjectId: keep, objectIdToMerge: gone });
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: config.targetUrl });

    const late = {
      eventId: 998,
      subscriptionId: 1,
      portalId: Number(stack.portalId),
      appId: 1,
      occurredAt: Date.now(),
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: Number(gone),
      changeSource: 'CRM_UI',
    };
    expect((await deliver(stack, [late])).status).toBe(200);
    await waitFor('merged row taken over', async () => (await contactRow(gone))?.mergedIntoId === keep);
    expect(await contactRow(gone)).toMatchObject({ archived: true, mergedIntoId: keep });
    expect(await contactRow(keep)).toMatchObject({ archived: false, mergedIntoId: null });
  });

  // Found by the chaos run (seed 1, 300 ops): merges whose (final) survivor HubSpot then erased. The erasure also
  // removes the survivor's hs_merged_object_ids, the sync's only other trace of the merges, so a merge event whose
  // takeover is skipped leaves the merged-away row live for good, pointing at a record HubSpot no longer has.
  describe('merges whose survivor is then erased', () => {
    const merge = (primaryObjectId: string, objectIdToMerge: string) =>
      stack.sim('POST', '/__sim/objects/contacts/merge', { primaryObjectId, objectIdToMerge });
    const gdprDelete = (id: string) => stack.sim('POST', `/__sim/objects/contacts/${id}/gdpr-delete`);
    /** Makes the changes with webhooks off and returns their events, to be delivered in a chosen order. */
    const heldBack = async (changes: () => Promise<void>): Promise<HubSpotWebhookEvent[]> => {
      const config = await stack.sim<{ targetUrl: string }>('GET', '/__sim/webhooks/config');
      const before = await stack.sim<{ events: HubSpotWebhookEvent[] }>('GET', '/__sim/webhooks/events?limit=1');
      const lastEventId = Number(before.events[0]?.eventId ?? 0);
      await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
      await changes();
      await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: config.targetUrl });
      const { events } = await stack.sim<{ events: HubSpotWebhookEvent[] }>('GET', '/__sim/webhooks/events?limit=50');
      return events.filter((e) => Number(e.eventId) > lastEventId);
    };
    const of = (events: HubSpotWebhookEvent[], objectId: string, ...kinds: string[]) =>
      events.filter(
        (e) => String(e.objectId) === objectId && kinds.some((kind) => e.subscriptionType === `contact.${kind}`),
      );
    const contacts = async (...emails: string[]): Promise<string[]> => {
      const ids = await Promise.all(emails.map((email) => createContact({ email })));
      await drainWebhooks(stack);
      await waitFor('rows', async () => (await Promise.all(ids.map(contactRow))).every(Boolean));
      return ids;
    };
    const applied = (event: HubSpotWebhookEvent) =>
      waitFor(
        'event applied',
        async () =>
          (await stack.runtime.prisma.processedWebhookEvent.count({
            where: { portalId: stack.portalId, dedupeKey: dedupeKey(event) },
          })) === 1,
      );
    const erased = (id: string) =>
      waitFor('erasure', async () =>
        stack.runtime.prisma.privacyErasure.findFirst({ where: { portalId: stack.portalId, hubspotId: id } }),
      );
    /** HubSpot has none of these records any more: no live local row may point at one. */
    const noneLive = async (...ids: string[]): Promise<void> => {
      const state = await stack.sim<{ objects: { contacts: Array<{ id: string }> } }>(
        'GET',
        '/__sim/state?types=contacts',
      );
      expect(state.objects.contacts.filter((c) => ids.includes(c.id))).toEqual([]);
      const rows = await stack.runtime.prisma.contact.findMany({
        where: { portalId: stack.portalId, hubspotId: { in: ids } },
      });
      expect(rows.filter((r) => !r.archived).map((r) => r.hubspotId)).toEqual([]);
    };

    it('the merge delivered together with the privacy deletion: the merged-away row goes down with the survivor', async () => {
      const [keep, gone] = await contacts('keep3@example.com', 'gone3@example.com');
      const events = await heldBack(async () => {
        await merge(keep!, gone!);
        await gdprDelete(keep!);
      });
      expect((await deliver(stack, of(events, keep!, 'merge', 'privacyDeletion', 'deletion'))).status).toBe(200);
      await erased(keep!);
      expect(await contactRow(gone!)).toMatchObject({ archived: true, mergedIntoId: keep });
      await noneLive(keep!, gone!);
    });

    it('the merge delivered after the erasure was applied: the merged-away row still goes down', async () => {
      const [keep, gone] = await contacts('keep4@example.com', 'gone4@example.com');
      const events = await heldBack(async () => {
        await merge(keep!, gone!);
        await gdprDelete(keep!);
      });
      expect((await deliver(stack, of(events, keep!, 'privacyDeletion', 'deletion'))).status).toBe(200);
      await erased(keep!);
      const [late] = of(events, keep!, 'merge');
      expect((await deliver(stack, [late!])).status).toBe(200);
      // Same workflow run (the erasure's) or a fresh one, whichever the idle period left.
      await applied(late!);
      expect(await contactRow(gone!)).toMatchObject({ archived: true, mergedIntoId: keep });
      await noneLive(keep!, gone!);
    });

    // The chaos run's history: m merged into s1; s1 later merged into s2, which was erased; s1's merge webhook was
    // applied only after all that (its workflow waited two minutes on a read lost with a killed worker).
    it('a merge applied after its survivor was merged again and that record erased: the merged-away row goes down', async () => {
      const [m, s1, s2] = await contacts('m5@example.com', 's5a@example.com', 's5b@example.com');
      const events = await heldBack(async () => {
        await merge(s1!, m!);
        await merge(s2!, s1!);
        await gdprDelete(s2!);
      });
      const [s2Merge] = of(events, s2!, 'merge');
      expect((await deliver(stack, [s2Merge!])).status).toBe(200);
      await applied(s2Merge!);
      expect((await deliver(stack, of(events, s2!, 'privacyDeletion', 'deletion'))).status).toBe(200);
      await erased(s2!);
      const [s1Merge] = of(events, s1!, 'merge');
      expect((await deliver(stack, [s1Merge!])).status).toBe(200);
      await applied(s1Merge!);
      expect(await contactRow(m!)).toMatchObject({ archived: true, mergedIntoId: s2 });
      await noneLive(m!, s1!, s2!);
    });
  });

  it('privacy deletion erases the personal data and records the erasure', async () => {
    const id = await createContact({
      email: 'erase.me@example.com',
      firstname: 'Erase',
      lastname: 'Me',
      city: 'Paris',
    });
    await drainWebhooks(stack);
    await waitFor('row', async () => (await contactRow(id))?.email === 'erase.me@example.com');

    await stack.sim('POST', `/__sim/objects/contacts/${id}/gdpr-delete`);
    await drainWebhooks(stack);
    const erasure = await waitFor(
      'erasure',
      async () =>
        (await stack.runtime.prisma.privacyErasure.findFirst({ where: { portalId: stack.portalId, hubspotId: id } })) ??
        undefined,
    );
    const row = await contactRow(id);
    expect(erasure).toMatchObject({ objectType: 'contacts', localId: row?.id });
    expect(row).toMatchObject({
      email: null,
      firstName: null,
      lastName: null,
      archived: true,
      properties: {},
      syncState: {},
    });

    // A late property change (e.g. a delayed redelivery) must not write the person back.
    const late = {
      eventId: 999,
      subscriptionId: 1,
      portalId: Number(stack.portalId),
      appId: 1,
      occurredAt: Date.now(),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: Number(id),
      propertyName: 'email',
      propertyValue: 'erase.me@example.com',
      changeSource: 'CRM_UI',
    };
    expect((await deliver(stack, [late])).status).toBe(200);
    const handle = stack.temporal.workflow.getHandle(inboundObjectWorkflowId(stack.portalId, 'contacts', id));
    await waitFor(
      'late event handled',
      async () =>
        (await stack.runtime.prisma.processedWebhookEvent.count({
          where: { portalId: stack.portalId, dedupeKey: { startsWith: '999:' } },
        })) === 1 || (await handle.describe()).status.name === 'COMPLETED',
    );
    expect((await contactRow(id))?.email).toBeNull();
  });

  it('a record with no events for the idle period completes its workflow', async () => {
    const id = await createContact({ email: 'idle@example.com' });
    await drainWebhooks(stack);
    const handle = stack.temporal.workflow.getHandle(inboundObjectWorkflowId(stack.portalId, 'contacts', id));
    await waitFor('workflow completed', async () => (await handle.describe()).status.name === 'COMPLETED', 20_000);
    expect((await handle.result()).applies).toBeGreaterThanOrEqual(1);
  });
});
