// The per-record inbound workflow's recorded paths (scripts/record-histories.ts): a webhook-driven creation and
// edit, a refused read whose events are kept, rounds that run out and park the events, and a custom object's
// record, read through its own loop, applied and parked.
import type { CustomObjectTypeId } from '../../src/sync/custom-objects';
import { inboundObjectWorkflowId } from '../../src/workflow-safe/ids';
import { INBOUND_MAX_ROUNDS } from '../../src/workflow-safe/limits';
import type { Stack } from '../../test/support/stack';
import { waitFor } from '../../test/support/wait';
import { closed, save, signalRecord, webhookEvent } from './recording';

/** A contact created in HubSpot (creation webhook → full fetch → apply), then edited (propertyChange → apply). */
export async function inbound(stack: Stack): Promise<void> {
  const { temporal: client, portalId } = stack;
  const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
    properties: { firstname: 'Grace', lastname: 'Hopper', email: `grace-${portalId}@example.com` },
  });
  const id = inboundObjectWorkflowId(portalId, 'contacts', contact.id);
  await waitFor('the creation applied', () =>
    stack.runtime.prisma
      .$queryRawUnsafe<unknown[]>(
        `SELECT 1 FROM contacts WHERE portal_id = $1 AND hubspot_id = $2`,
        portalId,
        contact.id,
      )
      .then((rows) => rows.length > 0),
  );
  await stack.sim('PATCH', `/__sim/objects/contacts/${contact.id}`, { properties: { jobtitle: 'Rear Admiral' } });
  await closed(client, id);
  await save(client, 'inbound-object', id);
}

/**
 * HubSpot refuses the full read of a new contact once, for good (400: non-retryable, so the round fails at
 * once; a 401 is retried for an hour within the activity and never fails a round here): the events are kept,
 * the next round reads and applies them.
 */
export async function inboundRefused(stack: Stack): Promise<void> {
  const { temporal: client } = stack;
  await stack.sim('POST', '/__sim/faults', {
    rules: [{ type: 'error', status: 400, match: 'POST /crm/v3/objects/contacts/batch/read', times: 1 }],
  });
  const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
    properties: { firstname: 'Ada', lastname: 'Lovelace', email: `ada-${stack.portalId}@example.com` },
  });
  const id = await signalRecord(stack, 'contacts', contact.id, [
    webhookEvent(stack, { subscriptionType: 'contact.creation', objectId: Number(contact.id) }),
  ]);
  await waitFor('the read refused', async () => {
    const history = await client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? []).some((e) => e.activityTaskFailedEventAttributes);
  });
  await stack.sim('DELETE', '/__sim/faults');
  await closed(client, id);
  await save(client, 'inbound-object-fetch-refused-kept', id);
}

/** Every one of a contact's rounds refused (400): the workflow parks its events (inbound-park-exhausted) and fails. */
export async function inboundParked(stack: Stack): Promise<void> {
  const contact = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', {
    properties: { firstname: 'Mary', lastname: 'Jackson', email: `mj-${stack.portalId}@example.com` },
  });
  await stack.sim('POST', '/__sim/faults', {
    rules: [
      { type: 'error', status: 400, match: 'POST /crm/v3/objects/contacts/batch/read', times: INBOUND_MAX_ROUNDS },
    ],
  });
  const at = Date.now();
  const id = await signalRecord(stack, 'contacts', contact.id, [
    webhookEvent(stack, { subscriptionType: 'contact.creation', objectId: Number(contact.id), occurredAt: at }),
    webhookEvent(stack, {
      eventId: 2,
      subscriptionType: 'contact.propertyChange',
      objectId: Number(contact.id),
      occurredAt: at + 1,
      propertyName: 'jobtitle',
      propertyValue: 'Engineer',
      changeSource: 'CRM_UI',
    }),
  ]);
  await closed(stack.temporal, id);
  await stack.sim('DELETE', '/__sim/faults');
  await save(stack.temporal, 'inbound-object-rounds-parked', id);
}

/**
 * A custom object's record (the car the sync scenario defined) edited in HubSpot: the custom-object loop reads it
 * once and stores it; then a second record whose every read is refused parks its event.
 */
export async function inboundCustomObject(stack: Stack, carType: CustomObjectTypeId): Promise<void> {
  const { temporal: client } = stack;
  const create = (vin: string) =>
    stack.sim<{ id: string }>('POST', `/__sim/objects/${carType}`, { properties: { vin } });
  const edit = (objectId: string) =>
    webhookEvent(stack, {
      subscriptionType: 'object.propertyChange',
      objectTypeId: carType,
      objectId: Number(objectId),
      propertyName: 'vin',
      propertyValue: 'VIN-7',
      changeSource: 'CRM_UI',
    });
  const car = await create('VIN-7');
  const id = await signalRecord(stack, carType, car.id, [edit(car.id)]);
  await closed(client, id);
  await save(client, 'inbound-custom-object', id);

  const refused = await create('VIN-8');
  await stack.sim('POST', '/__sim/faults', {
    rules: [
      { type: 'error', status: 400, match: `POST /crm/v3/objects/${carType}/batch/read`, times: INBOUND_MAX_ROUNDS },
    ],
  });
  const parkedId = await signalRecord(stack, carType, refused.id, [edit(refused.id)]);
  await closed(client, parkedId);
  await stack.sim('DELETE', '/__sim/faults');
  await save(client, 'inbound-custom-object-rounds-parked', parkedId);
}
