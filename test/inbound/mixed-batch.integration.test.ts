// A batch as HubSpot really sends one: every subscription of the app in one request — a line item, a generic
// object.associationChange in HubSpot's own shape (fromObjectTypeId/toObjectTypeId/associationTypeId, no
// objectTypeId, no associationType; changelog "Public Beta: Generic Webhook Subscriptions"), events whose
// optional fields are null. The request is answered 200, every valid event is applied, and the events hubsync
// does not take are kept as dead letters with their reason, listed by `hubsync dead-letters`.
import { randomInt } from 'node:crypto';
import { startStack, type Stack } from '../support/stack';
import { runHubsync, stackEnv } from '../cli/spawn-cli';
import { deliver, drainWebhooks, propertyChangeEvent, waitFor } from './helpers';

jest.setTimeout(120_000);

describe('a mixed webhook batch', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { WEBHOOK_COALESCE_MS: '50', WORKFLOW_IDLE_TIMEOUT_MS: '5000' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const prisma = () => stack.runtime.prisma;
  const where = (hubspotId: string) => ({ portalId_hubspotId: { portalId: stack.portalId, hubspotId } });

  it('is answered 200; valid events are applied, the others kept as dead letters with their reason', async () => {
    const contactId = (
      await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
        properties: { email: 'mixed@example.com', firstname: 'Before' },
      })
    ).id;
    const companyId = (
      await stack.sim<{ id: string }>('POST', '/__sim/objects/companies', {
        properties: { name: 'Before Co', domain: 'mixed.example' },
      })
    ).id;
    await drainWebhooks(stack);
    await waitFor('both rows', async () =>
      (await prisma().contact.findUnique({ where: where(contactId) })) &&
      (await prisma().company.findUnique({ where: where(companyId) }))
        ? true
        : undefined,
    );

    const portal = Number(stack.portalId);
    const at = Date.now();
    const nulls = { changeFlag: null, sourceId: null, subscriptionId: null, attemptNumber: null, appId: null };
    const quoteId = randomInt(1, 1_000_000);
    const generic = {
      eventId: randomInt(1, 1_000_000_000),
      subscriptionId: 7,
      portalId: portal,
      appId: 424242,
      occurredAt: at,
      subscriptionType: 'object.associationChange',
      attemptNumber: 0,
      changeSource: 'CRM_UI',
      changeFlag: null,
      sourceId: null,
      associationRemoved: false,
      isPrimaryAssociation: false,
    };
    const events = [
      propertyChangeEvent(portal, Number(contactId), { propertyValue: 'After', occurredAt: at, ...nulls }),
      propertyChangeEvent(portal, Number(companyId), {
        subscriptionType: 'company.propertyChange',
        propertyName: 'name',
        propertyValue: 'After Co',
        occurredAt: at,
      }),
      // Generic propertyChange of a synced type.
      propertyChangeEvent(portal, Number(contactId), {
        subscriptionType: 'object.propertyChange',
        objectTypeId: '0-1',
        propertyName: 'jobtitle',
        propertyValue: 'Engineer',
        occurredAt: at,
        sourceId: null,
      }),
      { ...propertyChangeEvent(portal, quoteId, { subscriptionType: 'conversation.creation' }), propertyName: null },
      {
        ...generic,
        fromObjectTypeId: '0-1',
        toObjectTypeId: '0-2',
        fromObjectId: Number(contactId),
        toObjectId: Number(companyId),
        associationTypeId: 279,
        associationCategory: 'HUBSPOT_DEFINED',
      },
      {
        ...generic,
        eventId: randomInt(1, 1_000_000_000),
        fromObjectTypeId: '0-1',
        toObjectTypeId: '0-14',
        fromObjectId: Number(contactId),
        toObjectId: quoteId,
        associationTypeId: 1,
        associationCategory: 'HUBSPOT_DEFINED',
      },
    ];

    const res = await deliver(stack, events);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', refused: 2 });

    await waitFor('contact changes applied', async () => {
      const row = await prisma().contact.findUnique({ where: where(contactId) });
      return row?.firstName === 'After' && row.jobTitle === 'Engineer' ? row : undefined;
    });
    await waitFor(
      'company change applied',
      async () => (await prisma().company.findUnique({ where: where(companyId) }))?.name === 'After Co',
    );
    await waitFor(
      'generic association applied',
      async () =>
        (await prisma().association.count({
          where: {
            portalId: stack.portalId,
            fromType: 'companies',
            fromId: companyId,
            toType: 'contacts',
            toId: contactId,
            archived: false,
          },
        })) === 1,
    );

    const letters = await prisma().webhookDeadLetter.findMany({
      where: { portalId: stack.portalId },
      orderBy: { id: 'asc' },
    });
    expect(letters.map((l) => [l.subscriptionType, l.reason])).toEqual([
      ['conversation.creation', 'unsynced_type'],
      ['object.associationChange', 'unsynced_type'],
    ]);
    expect(letters[1]?.message).toContain('0-14');

    const listed = await runHubsync(stackEnv(stack), 'dead-letters', '--json');
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.out) as Array<{ portalId: string; reason: string; event?: string }>;
    const ours = entries.filter((e) => e.portalId === stack.portalId);
    expect(ours.map((e) => e.reason)).toEqual(['unsynced_type', 'unsynced_type']);
    // Property values are personal data: the events only with --events.
    expect(ours.every((e) => e.event === undefined)).toBe(true);
  });
});
