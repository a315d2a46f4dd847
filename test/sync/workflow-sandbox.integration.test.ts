// The sync rules are imported by workflows: run them inside a real Temporal worker's sandbox and check
// they give the same answers as in plain Node.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporalAddress } from '../support/env';
import { type HubSpotWebhookEvent } from '../../src/sync/events';
import { syncRulesProbe } from './fixtures/sync-rules-workflow';

const events: HubSpotWebhookEvent[] = [
  {
    eventId: 1,
    occurredAt: 20,
    subscriptionType: 'contact.propertyChange',
    objectId: 5,
    propertyName: 'firstname',
    propertyValue: 'B',
  },
  {
    eventId: 2,
    occurredAt: 10,
    subscriptionType: 'contact.propertyChange',
    objectId: 5,
    propertyName: 'firstname',
    propertyValue: 'A',
  },
  { eventId: 3, occurredAt: 5, subscriptionType: 'object.creation', objectTypeId: '0-27', objectId: 5 },
  {
    eventId: 4,
    occurredAt: 30,
    subscriptionType: 'contact.merge',
    objectId: 5,
    primaryObjectId: 5,
    mergedObjectIds: [9],
    newObjectId: 5,
  },
];

describe('sync rules inside the Temporal workflow sandbox', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: temporalAddress(), namespace: 'default' });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('bundles without node built-ins and computes what Node computes', async () => {
    const taskQueue = `sync-rules-probe-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('./fixtures/sync-rules-workflow'),
    });
    const inSandbox = await worker.runUntil(
      env.client.workflow.execute(syncRulesProbe, {
        taskQueue,
        workflowId: `${taskQueue}-${Date.now()}`,
        args: [events],
      }),
    );
    const inNode = await syncRulesProbe(events);
    // Dates cross the workflow boundary as ISO strings; compare in that form.
    expect(inSandbox).toEqual(JSON.parse(JSON.stringify(inNode)));
    expect(inSandbox).toMatchObject({
      echo: true,
      push: false,
      plan: { needsFullFetch: true, properties: { firstname: { value: 'B' } } },
    });
  });
});
