// Products, line items and engagements (notes, calls, emails, meetings) end to end: records created in the
// simulated HubSpot land in their tables after a backfill (with every property), an edit of each arrives by
// webhook (generic object.* events), and line items and engagements created or edited on the platform are pushed.
import { startBackfill } from '../../src/scheduled/start-sync';
import { tableFor } from '../../src/store/hubspot-records';
import type { CrmObjectType } from '../../src/sync/object-types';
import { reportChanges } from '../outbound/helpers';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';

jest.setTimeout(180_000);

const NOW = '2026-11-30T10:00:00.000Z';
const RECORDS: Record<string, Record<string, string>> = {
  products: { name: 'Widget', hs_sku: 'W-1', price: '10.5' },
  line_items: { name: 'Widget x2', quantity: '2', price: '10.5', amount: '21' },
  notes: { hs_note_body: 'Spoke about renewal', hs_timestamp: NOW },
  calls: { hs_call_title: 'Discovery', hs_call_body: 'Went well', hs_call_direction: 'OUTBOUND', hs_timestamp: NOW },
  emails: { hs_email_subject: 'Quote', hs_email_text: 'Attached', hs_email_direction: 'EMAIL', hs_timestamp: NOW },
  meetings: { hs_meeting_title: 'Kick-off', hs_meeting_body: 'Agenda', hs_timestamp: NOW },
};
const TYPES = Object.keys(RECORDS) as CrmObjectType[];
/** The property each type's webhook edit changes, and the typed column it lands in. */
const EDIT: Record<string, [property: string, column: string]> = {
  products: ['name', 'name'],
  line_items: ['name', 'name'],
  notes: ['hs_note_body', 'body'],
  calls: ['hs_call_title', 'title'],
  emails: ['hs_email_subject', 'subject'],
  meetings: ['hs_meeting_title', 'title'],
};

describe('products, line items and engagements', () => {
  let stack: Stack;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({ env: { WEBHOOK_COALESCE_MS: '50', PUSH_BATCH_WINDOW_MS: '100' } });
  });
  afterAll(async () => stack?.close());

  const rowOf = async (type: CrmObjectType, hubspotId: string) =>
    (
      await stack.runtime.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT * FROM ${tableFor(type).table} WHERE portal_id = $1 AND hubspot_id = $2`,
        stack.portalId,
        hubspotId,
      )
    )[0];
  const simRecord = (type: string, id: string) =>
    stack.sim<{ properties: Record<string, string> }>('GET', `/__sim/objects/${type}/${id}`);

  it('a backfill brings every record of each type into its table, mapped columns typed, the rest in the JSONB', async () => {
    const { targetUrl } = await stack.sim<{ targetUrl: string }>('GET', '/__sim/webhooks/config');
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl: null }); // only the backfill may read them
    for (const type of TYPES)
      ids[type] = (await stack.sim<{ id: string }>('POST', `/__sim/objects/${type}`, { properties: RECORDS[type] })).id;
    await stack.sim('POST', '/__sim/webhooks/config', { targetUrl });

    const progress = await (
      await startBackfill(stack.temporal, stack.portalId, stack.runtime.config, { objectTypes: TYPES, restart: false })
    ).result();
    expect(progress.done).toBe(TYPES.length);

    expect(await rowOf('products', ids.products!)).toMatchObject({ name: 'Widget', sku: 'W-1' });
    expect(Number((await rowOf('products', ids.products!))?.price)).toBe(10.5);
    const lineItem = await rowOf('line_items', ids.line_items!);
    expect([Number(lineItem?.quantity), Number(lineItem?.amount)]).toEqual([2, 21]);
    const note = await rowOf('notes', ids.notes!);
    expect(note).toMatchObject({ body: 'Spoke about renewal', timestamp: new Date(NOW) });
    expect(await rowOf('calls', ids.calls!)).toMatchObject({ title: 'Discovery', direction: 'OUTBOUND' });
    expect(await rowOf('emails', ids.emails!)).toMatchObject({ subject: 'Quote', body: 'Attached' });
    expect(await rowOf('meetings', ids.meetings!)).toMatchObject({ title: 'Kick-off', body: 'Agenda' });
    // Unmapped properties HubSpot sends (created date, object id) are in the JSONB.
    expect((note?.properties as Record<string, string>).hs_object_id).toBe(ids.notes);

    const timeline = await stack.runtime.prisma.$queryRawUnsafe<Array<{ type: string; subject: string | null }>>(
      'SELECT type, subject FROM engagements WHERE portal_id = $1 ORDER BY type',
      stack.portalId,
    );
    expect(timeline).toEqual([
      { type: 'call', subject: 'Discovery' },
      { type: 'email', subject: 'Quote' },
      { type: 'meeting', subject: 'Kick-off' },
      { type: 'note', subject: null },
    ]);
  });

  it('an edit of each type in HubSpot arrives by webhook', async () => {
    for (const type of TYPES) {
      const [property] = EDIT[type]!;
      await stack.sim('PATCH', `/__sim/objects/${type}/${ids[type]}`, { properties: { [property]: `Edited ${type}` } });
    }
    for (const type of TYPES) {
      const [, column] = EDIT[type]!;
      await waitFor(
        `webhook edit of ${type}`,
        async () => (await rowOf(type, ids[type]!))?.[column] === `Edited ${type}`,
      );
    }
  });

  it('a line item and a note created on the platform are pushed, and so are their later edits', async () => {
    const prisma = stack.runtime.prisma;
    const lineItem = await prisma.lineItem.create({
      data: { portalId: stack.portalId, name: 'Gadget', quantity: 3, price: 4.25 },
    });
    const note = await prisma.note.create({
      data: { portalId: stack.portalId, body: 'Pushed note', timestamp: new Date(NOW) },
    });
    await reportChanges(stack, 'line_items', [lineItem.id]);
    await reportChanges(stack, 'notes', [note.id]);
    const linked = (read: () => Promise<{ hubspotId: string | null }>) =>
      waitFor('HubSpot id', async () => (await read()).hubspotId ?? undefined);
    const lineItemId = await linked(() => prisma.lineItem.findUniqueOrThrow({ where: { id: lineItem.id } }));
    const noteId = await linked(() => prisma.note.findUniqueOrThrow({ where: { id: note.id } }));
    expect((await simRecord('line_items', lineItemId)).properties).toMatchObject({
      name: 'Gadget',
      quantity: '3',
      price: '4.25',
      hubsync_local_id: lineItem.id,
    });
    expect((await simRecord('notes', noteId)).properties).toMatchObject({
      hs_note_body: 'Pushed note',
      hubsync_local_id: note.id,
    });

    await prisma.note.update({ where: { id: note.id }, data: { body: 'Pushed note, edited' } });
    await reportChanges(stack, 'notes', [note.id], ['body']);
    await waitFor(
      'note edit in HubSpot',
      async () => (await simRecord('notes', noteId)).properties.hs_note_body === 'Pushed note, edited',
    );
  });

  it('a note created on the platform without its timestamp is refused by HubSpot clearly, naming the property', async () => {
    const prisma = stack.runtime.prisma;
    const note = await prisma.note.create({ data: { portalId: stack.portalId, body: 'No time' } });
    await reportChanges(stack, 'notes', [note.id]);
    const failure = await waitFor('push failure', () =>
      prisma.syncFailure.findFirst({ where: { portalId: stack.portalId, objectType: 'notes', localId: note.id } }),
    );
    expect(`${failure.message} ${failure.property ?? ''}`).toContain('hs_timestamp');
    expect((await prisma.note.findUniqueOrThrow({ where: { id: note.id } })).hubspotId).toBeNull();
  });
});
