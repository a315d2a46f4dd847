// Per-endpoint call counters and a bounded request log: what other components' tests assert on.
import type { PolicyName } from './rate-limit';

export interface LoggedRequest {
  seq: number;
  at: string;
  portalId: string | null;
  method: string;
  path: string;
  query: string;
  endpoint: string;
  status: number;
  durationMs: number;
  body?: string;
}

const LOG_SIZE = 5000;
const BODY_LIMIT = 4000;

export class Metrics {
  total = 0;
  byEndpoint = new Map<string, number>();
  byStatus = new Map<string, number>();
  rateLimited: Record<PolicyName, number> = { TEN_SECONDLY_ROLLING: 0, DAILY: 0, SECONDLY: 0 };
  private log: LoggedRequest[] = [];
  private seq = 0;

  count(endpoint: string, status: number): void {
    this.total++;
    this.byEndpoint.set(endpoint, (this.byEndpoint.get(endpoint) ?? 0) + 1);
    const key = String(status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
  }

  countRateLimited(policy: PolicyName): void {
    this.rateLimited[policy]++;
  }

  record(entry: Omit<LoggedRequest, 'seq' | 'at'> & { rawBody?: string }): void {
    const { rawBody, ...rest } = entry;
    const item: LoggedRequest = { seq: ++this.seq, at: new Date().toISOString(), ...rest };
    if (rawBody) item.body = rawBody.length > BODY_LIMIT ? rawBody.slice(0, BODY_LIMIT) : rawBody;
    this.log.push(item);
    if (this.log.length > LOG_SIZE * 1.5) this.log = this.log.slice(-LOG_SIZE);
  }

  requests(limit: number): LoggedRequest[] {
    return this.log.slice(-Math.min(limit, LOG_SIZE));
  }

  clearRequests(): void {
    this.log = [];
  }

  resetCounters(): void {
    this.total = 0;
    this.byEndpoint.clear();
    this.byStatus.clear();
    this.rateLimited = { TEN_SECONDLY_ROLLING: 0, DAILY: 0, SECONDLY: 0 };
  }

  snapshot(): Record<string, unknown> {
    return {
      total: this.total,
      byEndpoint: Object.fromEntries(this.byEndpoint),
      byStatus: Object.fromEntries(this.byStatus),
      rateLimited: { ...this.rateLimited },
    };
  }
}
