import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type HubSpotError, HubSpotNetworkError, HubSpotRateLimitError, HubSpotResponseShapeError } from './errors';
import type { PortalRateLimiter, RequestKind } from './rate-limiter';
import { errorFromResponse } from './response-errors';
import type { TokenProvider } from './tokens';

// The single door to HubSpot: bearer auth, a deadline on every call, the portal's rate limiter, and the
// translation of every outcome into either parsed data or a typed error. Retries here are limited to
// 10-second-window and per-second 429s (the request was not processed, so repeating it is always safe);
// every other failure is thrown for Temporal's retry policy to handle (see src/temporal/hubspot-failures.ts).

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface RequestInfo {
  method: string;
  endpoint: string;
  status: number | 'network';
  durationMs: number;
  policy?: string;
}

export interface TransportOptions {
  baseUrl: string;
  portalId: string;
  tokens: TokenProvider;
  limiter: PortalRateLimiter;
  timeoutMs: number;
  accountTimeZone: string;
  /** How many times a TEN_SECONDLY_ROLLING / SECONDLY 429 is waited out before it is thrown. */
  rateLimitRetries: number;
  logger?: Logger;
  onRequest?: (info: RequestInfo) => void;
}

export interface RequestSpec<T> {
  method: HttpMethod;
  /** Templated path for logs, metrics and errors, e.g. /crm/v3/objects/{type}/{id}. */
  endpoint: string;
  path: string;
  query?: Query;
  body?: unknown;
  schema?: z.ZodType<T>;
  kind?: RequestKind;
}

export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export class Transport {
  private readonly http: AxiosInstance;

  constructor(private readonly opts: TransportOptions) {
    this.http = axios.create({
      baseURL: opts.baseUrl.replace(/\/+$/, ''),
      timeout: opts.timeoutMs,
      // Every status is handled here; axios must not turn responses into its own (header-carrying) errors.
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { accept: 'application/json' },
    });
  }

  get limiter(): PortalRateLimiter {
    return this.opts.limiter;
  }

  async request<T>(spec: RequestSpec<T>): Promise<{ status: number; data: T }> {
    const kind = spec.kind ?? 'general';
    let token = await this.opts.tokens.getAccessToken(this.opts.portalId);
    let retriedUnauthorized = false;
    for (let attempt = 0; ; attempt++) {
      this.refuseWhenDailyExhausted(spec, kind);
      const permit = await this.opts.limiter.acquire(kind);
      const started = performance.now();
      let response: AxiosResponse<unknown>;
      try {
        response = await this.http.request({
          method: spec.method,
          url: spec.path + queryString(spec.query),
          data: spec.body,
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
      } catch (err) {
        permit.complete();
        this.report(spec, 'network', started);
        throw this.scrub(this.networkError(spec, err), token);
      }
      const headers = response.headers as Record<string, unknown>;
      permit.complete(headers, response.status === 429);

      if (response.status >= 200 && response.status < 300) {
        this.report(spec, response.status, started);
        return { status: response.status, data: this.parse(spec, response.data) };
      }
      const error = errorFromResponse({
        method: spec.method,
        endpoint: spec.endpoint,
        status: response.status,
        body: response.data,
        headers,
        isSearch: kind === 'search',
        now: new Date(),
        accountTimeZone: this.opts.accountTimeZone,
        intervalMs: this.opts.limiter.windowMs,
      });
      const policy = error instanceof HubSpotRateLimitError ? error.policy : undefined;
      this.report(spec, response.status, started, policy);
      // An OAuth access token can be revoked or expire early: one new token, one more try, never a loop.
      if (response.status === 401 && !retriedUnauthorized && this.opts.tokens.refreshAfterUnauthorized) {
        retriedUnauthorized = true;
        const next = await this.opts.tokens.refreshAfterUnauthorized(this.opts.portalId, token);
        if (next !== undefined) {
          token = next;
          continue;
        }
      }
      if (error instanceof HubSpotRateLimitError) {
        if (error.policy === 'DAILY') {
          this.opts.limiter.markDailyExhausted();
        } else {
          this.opts.limiter.pause(kind, error.retryAfterMs);
          this.opts.logger?.warn(
            { endpoint: spec.endpoint, policy: error.policy, retryAfterMs: error.retryAfterMs, attempt },
            'hubspot rate limited',
          );
          if (attempt < this.opts.rateLimitRetries) continue;
        }
      }
      throw this.scrub(error, token);
    }
  }

  private refuseWhenDailyExhausted(spec: RequestSpec<unknown>, kind: RequestKind): void {
    if (kind !== 'general') return;
    const blockedMs = this.opts.limiter.dailyBlockedForMs();
    if (blockedMs > 0) {
      throw new HubSpotRateLimitError(
        'daily request limit of the portal is used up',
        { method: spec.method, endpoint: spec.endpoint, category: 'RATE_LIMIT' },
        'DAILY',
        blockedMs,
      );
    }
  }

  private parse<T>(spec: RequestSpec<T>, data: unknown): T {
    if (!spec.schema) return undefined as T;
    const result = spec.schema.safeParse(data);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
    throw new HubSpotResponseShapeError(
      { method: spec.method, endpoint: spec.endpoint },
      issues[0]?.path ?? '(root)',
      issues,
    );
  }

  private networkError(spec: RequestSpec<unknown>, err: unknown): HubSpotNetworkError {
    const code = axios.isAxiosError(err) ? err.code : undefined;
    const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
    // Only the code is kept: the axios error itself holds the request headers.
    const message = timedOut
      ? `no response within ${this.opts.timeoutMs} ms`
      : `network failure${code ? ` (${code})` : ''}`;
    return new HubSpotNetworkError(message, { method: spec.method, endpoint: spec.endpoint }, timedOut, code);
  }

  private report(spec: RequestSpec<unknown>, status: number | 'network', started: number, policy?: string): void {
    const durationMs = Math.round(performance.now() - started);
    this.opts.logger?.debug(
      { method: spec.method, endpoint: spec.endpoint, status, durationMs, policy },
      'hubspot request',
    );
    this.opts.onRequest?.({
      method: spec.method,
      endpoint: spec.endpoint,
      status,
      durationMs,
      ...(policy ? { policy } : {}),
    });
  }

  /** Belt and braces: should HubSpot ever echo the token back, it is cut out of the message. */
  private scrub<E extends HubSpotError>(error: E, token: string): E {
    if (token && error.message.includes(token)) error.message = error.message.split(token).join('[redacted]');
    return error;
  }
}
