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

  // HubSpot's merge mints a new record (changelog "Updated merge functionality for contacts and companies"): the
  // former primary's row is linked to the new id, the other row is archived as merged into it.
  it('merge: the new record takes over both rows and the links', async () => {
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
    const [keepRow, goneRow] = await waitFor('both rows and the link', async () =>
      (await stack.runtime.prisma.association.count({ where: { portalId: stack.portalId, toId: gone } })) === 1 &&
      (await Promise.all([contactRow(keep), contactRow(gone)])).every(Boolean)
        ? [(await contactRow(keep))!, (await contactRow(gone))!]
        : undefined,
    );

    const survivor = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts/merge', {
      primaryObjectId: keep,
      objectIdToMerge: gone,
    });
    expect([keep, gone]).not.toContain(survivor.id);
    await drainWebhooks(stack);
    await waitFor('merged row archived', async () => (await contactRow(gone))?.mergedIntoId === survivor.id);
    const byLocalId = (id: string) => stack.runtime.prisma.contact.findUnique({ where: { id } });
    expect(await byLocalId(goneRow.id)).toMatchObject({ archived: true, mergedIntoId: survivor.id });
    // The full fetch brought the new record's merged values (HubSpot moved the phone over) onto the primary's row.
    await waitFor('survivor refreshed', async () => (await contactRow(survivor.id))?.phone === '+1 555 0100');
    expect(await byLocalId(keepRow.id)).toMatchObject({
      hubspotId: survivor.id,
      archived: false,
      mergedIntoId: null,
      email: 'keep@example.com',
    });
    // The old primary id stays known as merged into the new record, so its late events are recognised.
    expect(await contactRow(keep)).toMatchObject({ archived: true, mergedIntoId: survivor.id });
    const live = await stack.runtime.prisma.contact.findMany({
      where: { portalId: stack.portalId, hubspotId: { in: [keep, gone, survivor.id] }, archived: false },
    });
    expect(live.map((r) => r.id)).toEqual([keepRow.id]);
    const links = await stack.runtime.prisma.association.findMany({
      where: { portalId: stack.portalId, fromId: company.id },
    });
    expect(links.map((l) => [l.toId, l.archived])).toEqual([[survivor.id, false]]);
  });

  // Found by the chaos run: HubSpot reads a merged-away id as its survivor, so a late event of the merged
  // record whose merge webhook was lost must take it over, not archive it as deleted.
  // The new record lists both old ids (hs_merged_object_ids) but not which was primary.
  it('a late creation event of a merged-away record, its merge webhook lost, archives it into the survivor', async () => {
    const keep = await createContact({ email: 'keep2@example.com' });
    const gone = await createContact({ email: 'gone2@example.com' });
    await drainWebhooks(stack);
    const localIds = await waitFor('both rows', async () => {
      const rows = await Promise.all([contactRow(keep), contactRow(gone)]);
      return rows.every(Boolean) ? rows.map((r) => r!.id) : undefined;
    });
    const config = await stack.sim<{ targetUrl: string }>('GET', '/__sim/webhooks/config');
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null });
    const survivor = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts/merge', {
      primaryObjectId: keep,
      objectIdToMerge: gone,
    });
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
    await waitFor('merged row taken over', async () => (await contactRow(gone))?.mergedIntoId === survivor.id);
    expect(await contactRow(gone)).toMatchObject({ archived: true, mergedIntoId: survivor.id });
    // The primary, never named by an event here, is taken over too: no row stays live under a dead id. Which of
    // the two rows the new record adopts is not knowable without the merge event; one of them, kept live, is.
    expect(await contactRow(keep)).toMatchObject({ archived: true, mergedIntoId: survivor.id });
    const adopted = await contactRow(survivor.id);
    expect(adopted).toMatchObject({ archived: false, mergedIntoId: null });
    expect(localIds).toContain(adopted!.id);
    const live = await stack.runtime.prisma.contact.count({
      where: { portalId: stack.portalId, id: { in: localIds }, archived: false },
    });
    expect(live).toBe(1);
  });

  // Found by the chaos run (seed 1, 300 ops): merges whose (final) survivor HubSpot then erased. The erasure also
  // removes the survivor's hs_merged_object_ids, the sync's only other trace of the merges, so a merge event whose
  // takeover is skipped leaves the merged-away row live for good, pointing at a record HubSpot no longer has.
  describe('merges whose survivor is then erased', () => {
    /** Returns the new record's id (HubSpot mints one per merge; its events carry it as objectId). */
    const merge = async (primaryObjectId: string, objectIdToMerge: string) =>
      (await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts/merge', { primaryObjectId, objectIdToMerge }))
        .id;
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

    /** The primary's row went down with the new record's erasure: linked to it, archived, its personal data gone. */
    const erasedWith = async (localId: string, survivor: string) =>
      expect(await stack.runtime.prisma.contact.findUnique({ where: { id: localId } })).toMatchObject({
        hubspotId: survivor,
        archived: true,
        email: null,
      });

    it('the merge delivered together with the privacy deletion: the merged-away row goes down with the survivor', async () => {
      const [keep, gone] = await contacts('keep3@example.com', 'gone3@example.com');
      const keepRow = await contactRow(keep!);
      let survivor = '';
      const events = await heldBack(async () => {
        survivor = await merge(keep!, gone!);
        await gdprDelete(survivor);
      });
      expect((await deliver(stack, of(events, survivor, 'merge', 'privacyDeletion', 'deletion'))).status).toBe(200);
      await erased(survivor);
      expect(await contactRow(gone!)).toMatchObject({ archived: true, mergedIntoId: survivor });
      await erasedWith(keepRow!.id, survivor);
      await noneLive(keep!, gone!, survivor);
    });

    it('the merge delivered after the erasure was applied: the merged-away row still goes down', async () => {
      const [keep, gone] = await contacts('keep4@example.com', 'gone4@example.com');
      const keepRow = await contactRow(keep!);
      let survivor = '';
      const events = await heldBack(async () => {
        survivor = await merge(keep!, gone!);
        await gdprDelete(survivor);
      });
      expect((await deliver(stack, of(events, survivor, 'privacyDeletion', 'deletion'))).status).toBe(200);
      await erased(survivor);
      const [late] = of(events, survivor, 'merge');
      expect((await deliver(stack, [late!])).status).toBe(200);
      // Same workflow run (the erasure's) or a fresh one, whichever the idle period left.
      await applied(late!);
      expect(await contactRow(gone!)).toMatchObject({ archived: true, mergedIntoId: survivor });
      await erasedWith(keepRow!.id, survivor);
      await noneLive(keep!, gone!, survivor);
    });

    // The chaos run's history: m merged with s1 (into a new record); that record later merged with s2, and the
    // result was erased; the first merge's webhook was applied only after all that (its workflow waited two
    // minutes on a read lost with a killed worker).
    it('a merge applied after its survivor was merged again and that record erased: the merged-away row goes down', async () => {
      const [m, s1, s2] = await contacts('m5@example.com', 's5a@example.com', 's5b@example.com');
      let [first, second] = ['', ''];
      const events = await heldBack(async () => {
        first = await merge(s1!, m!);
        second = await merge(s2!, first);
        await gdprDelete(second);
      });
      const [secondMerge] = of(events, second, 'merge');
      expect((await deliver(stack, [secondMerge!])).status).toBe(200);
      await applied(secondMerge!);
      expect((await deliver(stack, of(events, second, 'privacyDeletion', 'deletion'))).status).toBe(200);
      await erased(second);
      const [firstMerge] = of(events, first, 'merge');
      expect((await deliver(stack, [firstMerge!])).status).toBe(200);
      await applied(firstMerge!);
      expect(await contactRow(m!)).toMatchObject({ archived: true, mergedIntoId: second });
      expect(await contactRow(s1!)).toMatchObject({ archived: true, mergedIntoId: second });
      await noneLive(m!, s1!, s2!, first, second);
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
