// Secrets and personal data stay where they belong. A demo-like flow runs with a recognisable token, client
// secret, platform key and personal values: webhooks in, pushes out, a rejected push, a 401 from HubSpot, refused
// HTTP requests. None of the secrets may appear in the logs (captured at trace level), the Temporal search
// attributes, memos or summaries of the stack's workflows, the stored error messages or the HTTP error bodies;
// the personal values may not appear in the logs, the workflows' search attributes and memos, or — with
// TEMPORAL_PAYLOAD_KEY set, as in production — anywhere in the workflows' histories (signals, activity inputs
// and results, failures are encrypted).
import { randomBytes, randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Writable } from 'node:stream';
import { createRuntime } from '../../src/runtime';
import { toTemporalFailure } from '../../src/temporal/hubspot-failures';
import { signatureHeaders } from '../../src/hubspot/webhook-signature';
import { startStack, type Stack } from '../support/stack';
import { pushStatus, reportChanges, waitFor } from '../outbound/helpers';

jest.setTimeout(120_000);

const tag = randomUUID().slice(0, 8);
const TOKEN = `pat-na1-SECRET-TOKEN-${tag}`;
const WRONG_TOKEN = `pat-na1-SECRET-WRONGTOKEN-${tag}`;
const CLIENT_SECRET = `SECRET-CLIENT-${tag}`;
const PLATFORM_KEY = `SECRET-PLATFORM-KEY-${tag}`;
const SECRETS = [TOKEN, WRONG_TOKEN, CLIENT_SECRET, PLATFORM_KEY];
const PERSON = {
  inbound: {
    email: `zelda.inbound.${tag}@private.example`,
    firstname: `Zeldaprivate${tag}`,
    lastname: `Quillfeather${tag}`,
    phone: `+1-555-${tag}`,
  },
  outbound: {
    email: `yorick.outbound.${tag}@private.example`,
    firstName: `Yorickprivate${tag}`,
    lastName: `Thistlewood${tag}`,
    phone: `+44-20-${tag}`,
  },
};
const PERSONAL = [...Object.values(PERSON.inbound), ...Object.values(PERSON.outbound)];

/** A history as text, with every payload's metadata and data decoded (so plaintext JSON inside would show). */
function historyText(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>): string {
  const decode = (bytes: unknown) =>
    typeof bytes === 'string'
      ? Buffer.from(bytes, 'base64').toString('utf8')
      : bytes instanceof Uint8Array
        ? Buffer.from(bytes).toString('utf8')
        : String(bytes);
  return JSON.stringify(history, (_key, value: unknown) => {
    if (value === null || typeof value !== 'object' || !('metadata' in value) || !('data' in value)) return value;
    const payload = value as { metadata?: Record<string, unknown>; data: unknown };
    return {
      metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, decode(v)])),
      data: decode(payload.data),
    };
  });
}

/** Every place a value is searched for, with its name, so a failure says where it leaked. */
function leaks(places: Record<string, string>, values: readonly string[]): string[] {
  return Object.entries(places).flatMap(([where, text]) =>
    values.filter((v) => text.toLowerCase().includes(v.toLowerCase())).map((v) => `${v} in ${where}`),
  );
}

describe('secrets and personal data', () => {
  let stack: Stack;
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const httpBodies: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({
      token: TOKEN,
      logDestination: logStream,
      env: {
        LOG_LEVEL: 'trace',
        HUBSPOT_CLIENT_SECRET: CLIENT_SECRET,
        PLATFORM_API_KEY: PLATFORM_KEY,
        TEMPORAL_PAYLOAD_KEY: randomBytes(32).toString('base64'),
        PUSH_BATCH_WINDOW_MS: '100',
        WEBHOOK_COALESCE_MS: '50',
        WORKFLOW_IDLE_TIMEOUT_MS: '20000',
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs the flow and nothing secret or personal leaks', async () => {
    const prisma = stack.runtime.prisma;
    // 1. Inbound: a person created in HubSpot arrives by signed webhook.
    const created = await stack.sim<{ id: string }>('POST', '/__sim/objects/contacts', { properties: PERSON.inbound });
    await waitFor(
      'inbound row',
      async () =>
        (await prisma.contact.findFirst({ where: { portalId: stack.portalId, hubspotId: created.id } })) ?? undefined,
    );

    // 2. Outbound: a local person is pushed; 3. a rejected value lands in sync_failures.
    const local = await prisma.contact.create({
      data: {
        portalId: stack.portalId,
        email: PERSON.outbound.email,
        firstName: PERSON.outbound.firstName,
        lastName: PERSON.outbound.lastName,
        phone: PERSON.outbound.phone,
      },
    });
    const rejected = await prisma.contact.create({
      data: {
        portalId: stack.portalId,
        email: `rejected.${tag}@private.example`,
        lifecycleStage: `not-a-stage-${tag}`,
      },
    });
    await reportChanges(stack, 'contacts', [local.id, rejected.id]);
    await waitFor(
      'outbound linked',
      async () => (await prisma.contact.findUniqueOrThrow({ where: { id: local.id } })).hubspotId ?? undefined,
    );
    await waitFor(
      'rejection recorded',
      async () => (await prisma.syncFailure.findFirst({ where: { localId: rejected.id } })) ?? undefined,
    );
    await stack.sim('POST', '/__sim/webhooks/drain', { timeoutMs: 20_000 });

    // 4. A 401 from HubSpot: the same client with a wrong token, and the failure Temporal would record.
    const wrong = createRuntime({ ...stack.runtime.config, HUBSPOT_ACCESS_TOKEN: WRONG_TOKEN }, 'test', logStream);
    const unauthorized = await wrong
      .hubspotFor(stack.portalId)
      .batchRead('contacts', [created.id])
      .then(
        () => undefined,
        (err: unknown) => err as Error,
      );
    await wrong.prisma.$disconnect();
    expect(unauthorized).toBeInstanceOf(Error);
    const failure = toTemporalFailure(unauthorized);
    httpBodies['HubSpot 401 error'] =
      `${unauthorized!.message} ${String(unauthorized!.stack)} ${JSON.stringify(unauthorized)}`;
    httpBodies['its Temporal failure'] = `${failure.message} ${failure.type} ${JSON.stringify(failure.details)}`;

    // 5. Refused requests: the error bodies must not echo what was sent or what is configured.
    const forged = await fetch(`${stack.appUrl}/platform/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{}',
    });
    httpBodies['401 /platform/changes'] = await forged.text();
    const invalid = await fetch(`${stack.appUrl}/platform/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLATFORM_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ changes: [{ objectType: 'contacts', localId: PERSON.outbound.email }] }),
    });
    httpBodies['400 /platform/changes'] = await invalid.text();
    const raw = JSON.stringify([
      {
        eventId: 1,
        portalId: Number(stack.portalId),
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        objectId: 1,
        propertyName: 'email',
        propertyValue: 7,
      },
    ]);
    const badSig = await fetch(`${stack.appUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signatureHeaders('v3', 'not-the-secret', {
          method: 'POST',
          uri: stack.runtime.config.HUBSPOT_WEBHOOK_URL,
          rawBody: Buffer.from(raw),
        }),
      },
      body: raw,
    });
    httpBodies['401 /webhooks/hubspot'] = await badSig.text();
    const badBody = await fetch(`${stack.appUrl}/webhooks/hubspot`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signatureHeaders('v3', CLIENT_SECRET, {
          method: 'POST',
          uri: stack.runtime.config.HUBSPOT_WEBHOOK_URL,
          rawBody: Buffer.from(raw),
        }),
      },
      body: raw,
    });
    // A signed batch's bad event is refused alone (kept as a dead letter); what the answer and the logs say of it
    // must not quote its values either.
    expect(badBody.status).toBe(200);
    const refused = await badBody.text();
    expect(JSON.parse(refused)).toMatchObject({ refused: 1 });
    httpBodies['200 /webhooks/hubspot, event refused'] = refused;
    httpBodies['/readyz and /metrics'] =
      (await (await fetch(`${stack.adminUrl}/readyz`)).text()) +
      (await (await fetch(`${stack.adminUrl}/metrics`)).text());

    // Everything the stack's workflows expose to anyone with Temporal UI access.
    const workflows: Record<string, string> = {};
    const histories: Record<string, string> = {};
    for await (const execution of stack.temporal.workflow.list({ query: `PortalId = "${stack.portalId}"` })) {
      const handle = stack.temporal.workflow.getHandle(execution.workflowId, execution.runId);
      histories[`history of ${execution.workflowId}`] = historyText(await handle.fetchHistory());
      const description = await handle.describe();
      workflows[`workflow ${execution.workflowId}`] = JSON.stringify({
        id: description.workflowId,
        searchAttributes: description.searchAttributes,
        memo: description.memo ?? null,
        summary: await description.staticSummary?.(),
        details: await description.staticDetails?.(),
      });
    }
    expect(Object.keys(workflows).length).toBeGreaterThanOrEqual(3); // inbound ones and the push workflow

    const stored: Record<string, string> = {
      sync_failures: JSON.stringify(
        await prisma.syncFailure.findMany({
          where: { portalId: stack.portalId },
          select: { message: true, category: true, property: true },
        }),
      ),
      'sync_runs.error': JSON.stringify(
        await prisma.syncRun.findMany({ where: { portalId: stack.portalId }, select: { error: true } }),
      ),
    };
    expect(stored.sync_failures).toContain('not-a-stage'); // the rejection was recorded with HubSpot's message

    const logs = { logs: lines.join('') };
    expect(lines.length).toBeGreaterThan(5); // trace logging really ran (HubSpot calls, refusals, the 401)
    expect(leaks({ ...logs, ...workflows, ...stored, ...httpBodies }, SECRETS)).toEqual([]);
    expect(leaks({ ...logs, ...workflows }, PERSONAL)).toEqual([]);
    // The histories were really read (event types in plain text) and their payloads are sealed; hubsync's own
    // client still reads them back (the push workflow's status query decodes through the same codec).
    const everyHistory = Object.values(histories).join('\n');
    expect(everyHistory).toContain('inboundObjectWorkflow');
    expect(everyHistory).toContain('binary/encrypted');
    expect(leaks(histories, [...PERSONAL, ...SECRETS, `not-a-stage-${tag}`])).toEqual([]);
    expect(await pushStatus(stack, 'contacts')).toMatchObject({ created: expect.any(Number) as number });
  });
});
