// Injected failures: latency, 5xx, 429 bursts, 423, dropped connections, corrupted responses and failing webhook
// targets. Rules are counted (`times`) or probabilistic (seeded), so tests can script exact sequences.
import { validation } from './http-util';
import { Prng } from './prng';

export type FaultType =
  'latency' | 'error' | 'rateLimit' | 'locked' | 'migration' | 'drop' | 'malformed' | 'webhookFailure' | 'dropRecords';
const TYPES: FaultType[] = [
  'latency',
  'error',
  'rateLimit',
  'locked',
  'migration',
  'drop',
  'malformed',
  'webhookFailure',
  'dropRecords',
];
const STATUS_TYPES = new Set<FaultType>(['error', 'rateLimit', 'locked', 'migration']);
const MODES = ['number', 'string', 'null', 'drop', 'garbage'] as const;

export interface FaultRule {
  id: number;
  type: FaultType;
  match?: string;
  times?: number;
  probability?: number;
  ms?: number;
  jitterMs?: number;
  status?: number;
  policyName?: 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';
  retryAfterSeconds?: number;
  /** error: `html` sends an HTML page as HubSpot's edge does for 5xx; default html for edge statuses, json else. */
  body?: 'html' | 'json';
  field?: string;
  mode?: (typeof MODES)[number];
  /** dropRecords: how many of the answer's results are kept (the first ones; default 0). */
  keep?: number;
}

export interface RequestFaults {
  latencyMs: number;
  drop: boolean;
  /** The one status-changing rule (error, rateLimit, locked, migration) that hit, if any. */
  status?: FaultRule;
  malformed?: FaultRule;
  dropRecords?: FaultRule;
}

export class Faults {
  private rules: FaultRule[] = [];
  private nextId = 1;
  private prng = new Prng(20240101);

  add(input: unknown): FaultRule[] {
    if (!Array.isArray(input)) throw validation('rules must be an array');
    const parsed = input.map((raw) => this.parse(raw));
    this.rules.push(...parsed);
    return this.list();
  }

  private parse(raw: unknown): FaultRule {
    if (!raw || typeof raw !== 'object') throw validation('a fault rule must be an object');
    const r = raw as Partial<FaultRule>;
    if (!r.type || !TYPES.includes(r.type)) throw validation(`fault type must be one of ${TYPES.join(', ')}`);
    if (r.type === 'malformed' && (!r.field || !r.mode || !MODES.includes(r.mode)))
      throw validation(`malformed needs field and mode (${MODES.join(', ')})`);
    if (r.type === 'latency' && typeof r.ms !== 'number') throw validation('latency needs ms');
    if (r.body !== undefined && r.body !== 'html' && r.body !== 'json') throw validation('body must be html or json');
    if (r.retryAfterSeconds !== undefined && !(Number.isInteger(r.retryAfterSeconds) && r.retryAfterSeconds >= 0))
      throw validation('retryAfterSeconds must be a non-negative integer');
    if (r.match !== undefined && !/^(\*|[A-Z]+) \//.test(r.match))
      throw validation('match must look like "GET /crm/v3/objects/contacts" (method may be *)');
    return { ...r, id: this.nextId++, type: r.type };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }

  private hits(rule: FaultRule, method: string, path: string): boolean {
    if (rule.match) {
      const space = rule.match.indexOf(' ');
      const m = rule.match.slice(0, space);
      if (m !== '*' && m !== method) return false;
      if (!path.startsWith(rule.match.slice(space + 1))) return false;
    }
    return rule.probability === undefined || this.prng.next() < rule.probability;
  }

  private consume(rule: FaultRule): void {
    if (rule.times === undefined) return;
    rule.times--;
    if (rule.times <= 0) this.rules = this.rules.filter((r) => r !== rule);
  }

  /** Decides which faults hit one HubSpot call, consuming their counts; `explicitOnly`: only rules with a `match`. */
  forRequest(method: string, path: string, explicitOnly = false): RequestFaults {
    const out: RequestFaults = { latencyMs: 0, drop: false };
    if (this.rules.length === 0) return out;
    for (const rule of [...this.rules]) {
      if (rule.type === 'webhookFailure' || (explicitOnly && !rule.match)) continue;
      const isStatus = STATUS_TYPES.has(rule.type);
      if (
        (isStatus && out.status) ||
        (rule.type === 'malformed' && out.malformed) ||
        (rule.type === 'drop' && out.drop) ||
        (rule.type === 'dropRecords' && out.dropRecords)
      )
        continue;
      if (!this.hits(rule, method, path)) continue;
      this.consume(rule);
      if (rule.type === 'latency')
        out.latencyMs += (rule.ms ?? 0) + (rule.jitterMs ? this.prng.int(rule.jitterMs + 1) : 0);
      else if (rule.type === 'drop') out.drop = true;
      else if (rule.type === 'malformed') out.malformed = rule;
      else if (rule.type === 'dropRecords') out.dropRecords = rule;
      else out.status = rule;
    }
    return out;
  }

  /** Status a webhook delivery attempt should fail with, or undefined to really send it. */
  webhookFailure(): number | undefined {
    const rule = this.rules.find((r) => r.type === 'webhookFailure');
    if (!rule || (rule.probability !== undefined && this.prng.next() >= rule.probability)) return undefined;
    this.consume(rule);
    return rule.status ?? 503;
  }
}

/**
 * Incident: drops records from 200 answers. During HubSpot incidents batch/read has answered 200 with records
 * missing and no error naming them (hubsync issue 15: "When HubSpot's batch/read answers 200 with records
 * missing and no error naming them (it happens in incidents)"); HubSpot's documented behaviour is a 207 with an
 * OBJECT_NOT_FOUND error per missing id. This fault keeps the first `keep` results and removes the errors.
 */
export function dropRecords(reply: { status: number; body?: unknown }, rule: FaultRule): void {
  const body = reply.body as { results?: unknown[]; errors?: unknown; numErrors?: unknown } | undefined;
  if (reply.status >= 300 || !body || !Array.isArray(body.results)) return;
  body.results = body.results.slice(0, rule.keep ?? 0);
  delete body.errors;
  delete body.numErrors;
  reply.status = 200;
}

/** Corrupts one field of a JSON body in place; returns a replacement raw body for `garbage`. */
export function corrupt(body: unknown, rule: FaultRule): { body: unknown; raw?: string } {
  if (rule.mode === 'garbage') return { body, raw: '{"results": [ {"id": ' };
  const path = (rule.field ?? '').match(/[^.[\]]+/g) ?? [];
  let target: unknown = body;
  for (const key of path.slice(0, -1)) {
    if (target === null || typeof target !== 'object') return { body };
    target = (target as Record<string, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (last === undefined || target === null || typeof target !== 'object') return { body };
  const obj = target as Record<string, unknown>;
  if (rule.mode === 'drop') delete obj[last];
  else if (rule.mode === 'null') obj[last] = null;
  else if (rule.mode === 'number') obj[last] = Number.isFinite(Number(obj[last])) ? Number(obj[last]) : 12345;
  else if (rule.mode === 'string') obj[last] = String(JSON.stringify(obj[last]) ?? 'corrupted');
  return { body };
}
