// A field the platform cleared reaches HubSpot as "" — HubSpot clears a property only when sent an empty
// string; a null is taken with 200 and changes nothing (HubSpot/hubspot-api-nodejs#324). Asserted on the
// requests hubsync puts on the wire (a recording proxy in front of the simulator), for updates, upserts and
// creates, and end to end through the push workflow.
import { resetPortalRateLimiters } from '../../src/hubspot';
import { writeUpdates, writeUpserts } from '../../src/outbound/hubspot-writes';
import { DEFAULT_MAPPING } from '../../src/sync';
import { writeHubSpotProperties } from '../../src/sync/mapping';
import { type SimHandle, clientFor, startSim } from '../hubspot/sim-admin';
import { startRecordingProxy, type RecordedRequest, type RecordingProxy } from '../support/recording-proxy';
import { startStack, type Stack } from '../support/stack';
import { reportChanges, waitFor } from './helpers';

jest.setTimeout(120_000);

type Inputs = { inputs: Array<{ properties: Record<string, unknown> }> };
const sentProperties = (requests: RecordedRequest[]) =>
  requests.flatMap((r) => (r.body as Inputs).inputs.map((i) => i.properties));
const nullValued = (properties: Record<string, unknown>[]) =>
  properties.flatMap((p) => Object.entries(p).filter(([, v]) => v === null));

describe('clears on the wire: client writes', () => {
  let sim: SimHandle;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    sim = await startSim();
    proxy = await startRecordingProxy(sim.url);
    resetPortalRateLimiters();
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });

  it('creates, upserts and updates send a cleared column as ""', async () => {
    const client = clientFor({ ...sim, url: proxy.url });
    const cleared = Object.fromEntries(
      writeHubSpotProperties(
        'contacts',
        { email: 'clear@wire.example', firstName: 'Clara', lastName: null, phone: '' },
        DEFAULT_MAPPING,
        ['email', 'firstName', 'lastName', 'phone'],
      ).flatMap((v) => (v.ok ? [[v.field.hubspotProperty, v.wire]] : [])),
    );
    expect(cleared).toMatchObject({ lastname: '', phone: '' });

    const created = await client.batchCreate('contacts', [{ properties: cleared }]);
    const id = created.results[0]!.id;
    await writeUpserts(client, 'contacts', [
      { localId: 'l-1', key: { idProperty: 'email', id: 'clear@wire.example' }, properties: { firstname: '' } },
    ]);
    await writeUpdates(client, 'contacts', [{ localId: 'l-1', hubspotId: id, properties: { lastname: '' } }]);

    const creates = proxy.sent('POST', /\/batch\/create$/);
    const upserts = proxy.sent('POST', /\/batch\/upsert$/);
    const updates = proxy.sent('POST', /\/batch\/update$/);
    expect([creates.length, upserts.length, updates.length]).toEqual([1, 1, 1]);
    expect(sentProperties(creates)[0]).toMatchObject({ lastname: '', phone: '' });
    expect(sentProperties(upserts)[0]).toMatchObject({ firstname: '' });
    expect(sentProperties(updates)[0]).toEqual({ lastname: '' });
    expect(nullValued(sentProperties([...creates, ...upserts, ...updates]))).toEqual([]);
  });
});

describe('clears on the wire: the push workflow', () => {
  let stack: Stack;
  const prisma = () => stack.runtime.prisma;

  beforeAll(async () => {
    stack = await startStack({
      withProxy: true,
      env: { PUSH_BATCH_WINDOW_MS: '100', WEBHOOK_COALESCE_MS: '50', WORKFLOW_IDLE_TIMEOUT_MS: '20000' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('a platform-side clear is sent as "" in the batch update, never as null', async () => {
    const row = await prisma().contact.create({
      data: { portalId: stack.portalId, email: 'wipe@push.example', firstName: 'Wipe', lastName: 'Me' },
    });
    await reportChanges(stack, 'contacts', [row.id]);
    const hubspotId = await waitFor(
      'link',
      async () => (await prisma().contact.findUniqueOrThrow({ where: { id: row.id } })).hubspotId ?? undefined,
    );

    await prisma().contact.update({ where: { id: row.id }, data: { lastName: null } });
    await reportChanges(stack, 'contacts', [row.id], ['lastName']);
    const update = await waitFor('the clearing update', async () =>
      stack
        .proxy!.sent('POST', /\/crm\/v3\/objects\/contacts\/batch\/update$/)
        .find((r) => (r.body as { inputs: Array<{ id: string }> }).inputs.some((i) => i.id === hubspotId)),
    );
    const input = (update.body as { inputs: Array<{ id: string; properties: Record<string, unknown> }> }).inputs.find(
      (i) => i.id === hubspotId,
    )!;
    expect(input.properties).toEqual({ lastname: '' });
    const writes = stack.proxy!.sent('POST', /\/batch\/(create|update|upsert)$/);
    expect(nullValued(sentProperties(writes))).toEqual([]);
  });
});
