// Shared helpers of the webhook tests: signed deliveries played as HubSpot, and bounded waits.
import { randomInt } from 'node:crypto';
import type { Config } from '../../src/config';
import type { HubSpotWebhookEvent } from '../../src/sync/events';
import { publicRequestUri, signatureHeaders } from '../../src/hubspot/webhook-signature';
import type { Stack } from '../support/stack';

export { waitFor } from '../support/wait';

/** A contact propertyChange event as HubSpot sends it (firstname = "Ada" from the CRM UI), with overrides. */
export function propertyChangeEvent(
  portalId: number,
  objectId: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventId: randomInt(1, 1_000_000_000),
    subscriptionId: 1,
    portalId,
    appId: 424242,
    occurredAt: Date.now(),
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId,
    propertyName: 'firstname',
    propertyValue: 'Ada',
    changeSource: 'CRM_UI',
    ...extra,
  };
}

/** A contact's creation event and, 1 ms later, a jobtitle edit from the CRM UI, as HubSpot sends them. */
export function creationThenEdit(
  portalId: string,
  objectId: string,
  jobTitle: string,
): [HubSpotWebhookEvent, HubSpotWebhookEvent] {
  const creation = {
    eventId: 1,
    subscriptionId: 1,
    portalId: Number(portalId),
    appId: 1,
    occurredAt: Date.now(),
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: Number(objectId),
  } as HubSpotWebhookEvent;
  const edit = {
    ...creation,
    eventId: 2,
    occurredAt: creation.occurredAt + 1,
    subscriptionType: 'contact.propertyChange',
    propertyName: 'jobtitle',
    propertyValue: jobTitle,
    changeSource: 'CRM_UI',
  } as HubSpotWebhookEvent;
  return [creation, edit];
}

/** Headers HubSpot would send for this body to the app's configured public URL. */
export function signedHeaders(
  config: Config,
  rawBody: string,
  path = '/webhooks/hubspot',
  now = Date.now(),
): Record<string, string> {
  const uri = publicRequestUri(config.HUBSPOT_WEBHOOK_URL, path);
  return {
    'content-type': 'application/json',
    ...signatureHeaders(
      config.HUBSPOT_WEBHOOK_SIGNATURE_VERSION,
      config.HUBSPOT_CLIENT_SECRET,
      { method: 'POST', uri, rawBody: Buffer.from(rawBody) },
      now,
    ),
  };
}

/** Posts a signed batch to the running app over real HTTP. */
export async function deliver(
  stack: Stack,
  events: unknown[],
  url = stack.appUrl,
): Promise<{ status: number; body: unknown }> {
  const raw = JSON.stringify(events);
  const res = await fetch(`${url}/webhooks/hubspot`, {
    method: 'POST',
    headers: signedHeaders(stack.runtime.config, raw),
    body: raw,
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

export interface SimRecord {
  id: string;
  properties: Record<string, string | null>;
  archived: boolean;
}

export async function drainWebhooks(stack: Stack, timeoutMs = 30_000): Promise<void> {
  const status = await stack.sim<{ drained: boolean; failed: number }>('POST', '/__sim/webhooks/drain', { timeoutMs });
  if (!status.drained) throw new Error(`simulator webhooks not drained: ${JSON.stringify(status)}`);
}

export async function hubspotCalls(stack: Stack): Promise<{ total: number; byEndpoint: Record<string, number> }> {
  return stack.sim('GET', '/__sim/counters');
}
