// Webhook delivery as HubSpot does it: events batched (< 100 a request) per portal, at most 10 requests in flight,
// signed, 5 s timeout. A notification whose request failed (no connection, no answer within 5 s, any 4xx or 5xx) is
// retried up to 10 times over about a day, each notification on its own jittered schedule with a rising
// attemptNumber; a 429 is retried no sooner than its Retry-After. Sources: src/simulator/FIDELITY.md ("Webhooks").
import http from 'node:http';
import https from 'node:https';
import type { Faults } from './faults';
import { FOREIGN_EVENTS } from './foreign-events';
import type { EventDraft } from './mutations';
import { Prng } from './prng';
import { typeInfo } from './schema';
import { signatureHeaders, type SignatureVersion } from './signatures';

export interface WebhookSubscriptionOptions {
  targetUrl?: string | null;
  clientSecret?: string;
  appId?: string;
  portalId?: string | null;
  subscriptionTypes?: string[] | null;
  signatureVersion?: SignatureVersion;
  signedUriScheme?: 'https' | 'as-called';
  maxBatchSize?: number;
  maxInFlight?: number;
  timeoutMs?: number;
  maxRetries?: number;
  timeScale?: number;
  batchDelayMs?: number;
  duplicateProbability?: number;
  outOfOrder?: boolean;
  /** `legacy`: contact.*, company.*, deal.*, ticket.* (tasks and users are always generic); `generic`: every type as
   * object.* with objectTypeId, as a private app's current webhooks.json subscribes. */
  subscriptionFormat?: 'legacy' | 'generic';
  /** After every N of our events, one event of a subscription hubsync does not sync (0 = never). */
  foreignEventsEvery?: number;
}

type Config = Required<WebhookSubscriptionOptions>;
export type WebhookEvent = Record<string, unknown> & { portalId: number; attemptNumber: number };

export const WEBHOOK_DEFAULTS: Config = {
  targetUrl: null,
  clientSecret: 'sim-client-secret-demo',
  appId: '424242',
  portalId: null,
  subscriptionTypes: null,
  signatureVersion: 'v3',
  signedUriScheme: 'https',
  maxBatchSize: 99,
  maxInFlight: 10,
  timeoutMs: 5000,
  maxRetries: 10,
  timeScale: 1,
  batchDelayMs: 20,
  duplicateProbability: 0,
  outOfOrder: false,
  subscriptionFormat: 'legacy',
  foreignEventsEvery: 0,
};

interface Delivery {
  at: string;
  portalId: number;
  status?: number;
  error?: string;
  eventCount: number;
  attemptNumber: number;
  durationMs: number;
}

export class WebhookDispatcher {
  config: Config;
  private queue: WebhookEvent[] = [];
  /** Notifications due for another attempt, their attemptNumber already raised. */
  private ready: WebhookEvent[] = [];
  private inFlight = 0;
  private inFlightEvents = 0;
  private retrying = 0;
  private delivered = 0;
  private failed = 0;
  private requests = 0;
  private emitted = 0;
  private eventSeq = 1000;
  private sinceForeign = 0;
  private foreignSeq = 0;
  private recent: WebhookEvent[] = [];
  private deliveries: Delivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private flushTimer: NodeJS.Timeout | undefined;
  private prng = new Prng(7);
  private agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  private closed = false;

  constructor(
    options: WebhookSubscriptionOptions,
    private readonly faults: Faults,
    /** Whether the account has the app (HubSpot sends an app's webhooks only for accounts that installed it). */
    private readonly hasApp: (portalId: string) => boolean = () => true,
  ) {
    this.config = { ...WEBHOOK_DEFAULTS, ...definedOnly(options) };
  }

  configure(options: WebhookSubscriptionOptions): void {
    this.config = { ...this.config, ...definedOnly(options) };
  }

  publicConfig(): Record<string, unknown> {
    return { ...this.config, clientSecret: this.config.clientSecret ? '***' : '' };
  }

  /** Turns drafts into HubSpot events for the subscribed types and queues them. */
  readonly emit = (portalId: string, drafts: EventDraft[]): void => {
    const c = this.config;
    if ((c.portalId !== null && c.portalId !== portalId) || !this.hasApp(portalId)) return;
    for (const d of drafts) {
      const { subscriptionType, fields } = shapeOf(d, c.subscriptionFormat);
      if (!this.subscribed(subscriptionType, d.fields.propertyName)) continue;
      this.enqueue(portalId, d.occurredAt, subscriptionType, fields);
      if (c.foreignEventsEvery > 0 && ++this.sinceForeign >= c.foreignEventsEvery) {
        this.sinceForeign = 0;
        const foreign = FOREIGN_EVENTS[this.foreignSeq++ % FOREIGN_EVENTS.length] as (
          n: number,
        ) => Record<string, unknown>;
        const { subscriptionType: type, ...rest } = foreign(this.foreignSeq);
        this.enqueue(portalId, d.occurredAt, String(type), rest);
      }
    }
    this.schedule();
  };

  /** Queues events a test wrote itself (any subscription, any field, nulls included); delivery fields are filled in. */
  inject(portalId: string, events: Array<Record<string, unknown>>): number {
    for (const e of events) {
      const { subscriptionType, occurredAt, ...rest } = e;
      this.enqueue(portalId, typeof occurredAt === 'number' ? occurredAt : Date.now(), String(subscriptionType), rest);
    }
    this.schedule();
    return events.length;
  }

  private enqueue(
    portalId: string,
    occurredAt: number,
    subscriptionType: string,
    fields: Record<string, unknown>,
  ): void {
    const c = this.config;
    const event: WebhookEvent = {
      eventId: this.eventSeq++,
      subscriptionId: subscriptionIdOf(subscriptionType),
      portalId: Number(portalId),
      appId: Number(c.appId),
      occurredAt,
      subscriptionType,
      attemptNumber: 0,
      ...fields,
    };
    this.emitted++;
    this.recent.push(event);
    if (this.recent.length > 2000) this.recent = this.recent.slice(-1000);
    if (!c.targetUrl) return;
    this.queue.push(event);
    if (c.duplicateProbability > 0 && this.prng.next() < c.duplicateProbability) this.queue.push({ ...event });
  }

  private subscribed(type: string, propertyName: unknown): boolean {
    const list = this.config.subscriptionTypes;
    if (list === null) return true;
    return list.includes(type) || (typeof propertyName === 'string' && list.includes(`${type}:${propertyName}`));
  }

  private schedule(): void {
    if (this.flushTimer || this.closed || this.queue.length === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.pump();
    }, this.config.batchDelayMs);
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.config.maxInFlight) {
      // Retries go first; a batch never mixes portals.
      const source = this.ready.length > 0 ? this.ready : this.queue;
      if (source.length === 0) return;
      if (source === this.queue && this.config.outOfOrder) shuffle(this.queue, this.prng);
      const portal = (source[0] as WebhookEvent).portalId;
      const batch: WebhookEvent[] = [];
      const rest: WebhookEvent[] = [];
      for (const e of source) (batch.length < this.config.maxBatchSize && e.portalId === portal ? batch : rest).push(e);
      if (source === this.ready) this.ready = rest;
      else this.queue = rest;
      this.send(batch);
    }
  }

  private send(events: WebhookEvent[]): void {
    const c = this.config;
    this.inFlight++;
    this.inFlightEvents += events.length;
    const started = Date.now();
    const finish = (status: number | undefined, error: string | undefined, retryAfter?: string): void => {
      this.inFlight--;
      this.inFlightEvents -= events.length;
      this.requests++;
      this.deliveries.push({
        at: new Date(started).toISOString(),
        portalId: (events[0] as WebhookEvent).portalId,
        status,
        error,
        eventCount: events.length,
        attemptNumber: Math.max(...events.map((e) => e.attemptNumber)),
        durationMs: Date.now() - started,
      });
      if (this.deliveries.length > 1000) this.deliveries = this.deliveries.slice(-500);
      if (status !== undefined && status >= 200 && status < 300) this.delivered += events.length;
      else this.retry(events, status === 429 ? retryAfter : undefined);
      this.pump();
    };
    const injected = this.faults.webhookFailure();
    if (injected !== undefined || !c.targetUrl) {
      setImmediate(() => finish(injected, injected === undefined ? 'no target' : undefined));
      return;
    }
    const body = JSON.stringify(events);
    const url = new URL(c.targetUrl);
    const signedUri = c.signedUriScheme === 'https' ? `https://${url.host}${url.pathname}${url.search}` : url.href;
    const headers = {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'User-Agent': 'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon-simulator',
      ...signatureHeaders(c.signatureVersion, c.clientSecret, 'POST', signedUri, body, Date.now()),
    };
    const isHttps = url.protocol === 'https:';
    const req = (isHttps ? https : http).request(url, {
      method: 'POST',
      headers,
      agent: isHttps ? this.agents.https : this.agents.http,
    });
    let done = false;
    const once = (status: number | undefined, error?: string, retryAfter?: string): void => {
      if (done) return;
      done = true;
      finish(status, error, retryAfter);
    };
    req.setTimeout(c.timeoutMs, () => {
      req.destroy(new Error(`no response within ${c.timeoutMs} ms`));
    });
    req.on('response', (res) => {
      res.resume();
      const retryAfter = res.headers['retry-after'];
      res.on('end', () => once(res.statusCode, undefined, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter));
      res.on('error', (err) => once(undefined, err.message));
    });
    req.on('error', (err) => once(undefined, err.message));
    req.end(body);
  }

  /**
   * Each failed notification on its own schedule: the k-th retry about 2^(k-1) minutes after the previous attempt
   * (±25%), so ten retries span ~17 hours of HubSpot's 24; a 429's Retry-After (seconds) as the least delay.
   * timeScale compresses the schedule.
   */
  private retry(events: WebhookEvent[], retryAfter: string | undefined): void {
    const leastMs = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 0;
    for (const event of events) {
      if (event.attemptNumber >= this.config.maxRetries || this.closed) {
        this.failed += 1;
        continue;
      }
      const minutes = 2 ** event.attemptNumber * (0.75 + this.prng.next() * 0.5);
      const delay = Math.max(minutes * 60_000, leastMs) / this.config.timeScale;
      this.retrying += 1;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.retrying -= 1;
          this.ready.push({ ...event, attemptNumber: event.attemptNumber + 1 });
          this.pump();
        },
        Math.min(delay, 2 ** 31 - 1),
      );
      this.timers.add(timer);
    }
  }

  status(): Record<string, number> {
    return {
      pending: this.queue.length + this.ready.length,
      inFlight: this.inFlightEvents,
      retrying: this.retrying,
      delivered: this.delivered,
      failed: this.failed,
      requests: this.requests,
      emitted: this.emitted,
    };
  }

  idle(): boolean {
    const s = this.status();
    return s.pending === 0 && s.inFlight === 0 && s.retrying === 0;
  }

  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.idle()) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  events(limit: number, portalId?: string): WebhookEvent[] {
    const of = portalId === undefined ? this.recent : this.recent.filter((e) => e.portalId === Number(portalId));
    return of.slice(-limit);
  }

  deliveryLog(limit: number, portalId?: string): Delivery[] {
    const of =
      portalId === undefined ? this.deliveries : this.deliveries.filter((d) => d.portalId === Number(portalId));
    return of.slice(-limit);
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.queue = [];
    this.ready = [];
    this.retrying = 0;
    this.delivered = this.failed = this.requests = this.emitted = 0;
    this.recent = [];
    this.deliveries = [];
  }

  close(): void {
    this.closed = true;
    this.reset();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/**
 * An event's subscription type and fields, legacy or generic. Legacy association changes carry `associationType`
 * (CONTACT_TO_COMPANY…); generic `object.*` events carry `objectTypeId`, except `object.associationChange`, which
 * has neither and names both sides instead: fromObjectTypeId, toObjectTypeId, fromObjectId, toObjectId,
 * associationTypeId, associationCategory, associationRemoved, isPrimaryAssociation (HubSpot changelog "Public Beta:
 * Generic Webhook Subscriptions"; guide "Create generic webhook subscriptions"). privacyDeletion is a hub event
 * (`contact.privacyDeletion`) in both formats.
 */
function shapeOf(
  d: EventDraft,
  format: 'legacy' | 'generic',
): { subscriptionType: string; fields: Record<string, unknown> } {
  const info = typeInfo(d.objectType);
  const generic = d.action !== 'privacyDeletion' && (format === 'generic' || info.webhookPrefix === 'object');
  const subscriptionType = `${generic ? 'object' : info.webhookPrefix}.${d.action}`;
  if (d.action !== 'associationChange' || !d.association) {
    return { subscriptionType, fields: generic ? { ...d.fields, objectTypeId: info.typeId } : d.fields };
  }
  const to = typeInfo(d.association.toType);
  if (!generic)
    return { subscriptionType, fields: { ...d.fields, associationType: `${info.singular}_TO_${to.singular}` } };
  const { fromObjectId, toObjectId, associationRemoved, isPrimaryAssociation, ...common } = d.fields;
  return {
    subscriptionType,
    fields: {
      ...common,
      fromObjectTypeId: info.typeId,
      toObjectTypeId: to.typeId,
      fromObjectId,
      toObjectId,
      associationTypeId: d.association.typeId,
      associationCategory: d.association.category,
      associationRemoved,
      isPrimaryAssociation,
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function subscriptionIdOf(type: string): number {
  let h = 0;
  for (const ch of type) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return 100000 + (h % 900000);
}

function shuffle<T>(items: T[], prng: Prng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}
