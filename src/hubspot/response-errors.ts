import {
  type FieldMessage,
  type HubSpotError,
  type HubSpotErrorContext,
  type RateLimitPolicy,
  HubSpotAuthError,
  HubSpotConflictError,
  HubSpotError as BaseError,
  HubSpotLockedError,
  HubSpotMigrationError,
  HubSpotNotFoundError,
  HubSpotRateLimitError,
  HubSpotServerError,
  HubSpotValidationError,
  LOCKED_MIN_WAIT_MS,
  MIGRATION_DEFAULT_WAIT_MS,
  MIGRATION_MAX_WAIT_MS,
} from './errors';
import { msUntilNextMidnight } from './time';

// Turns a non-2xx HubSpot response into the matching typed error. Error bodies are read loosely on purpose:
// a malformed error body must still produce the right class for the status, never a parse failure.

type Headers = Record<string, unknown>;

interface ErrorBody {
  message?: string;
  category?: string;
  correlationId?: string;
  policyName?: string;
  errorType?: string;
  errors?: Array<{ message?: string; in?: string; code?: string; context?: Record<string, unknown> }>;
  context?: Record<string, unknown>;
}

function asErrorBody(body: unknown): ErrorBody {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as ErrorBody;
  return {};
}

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0] === undefined ? undefined : String(value[0]);
  return value === undefined || value === null ? undefined : String(value);
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(headers: Headers, now: Date): number | undefined {
  const raw = header(headers, 'retry-after');
  if (raw === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.ceil(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

export function classifyRateLimitPolicy(body: ErrorBody, isSearch: boolean): RateLimitPolicy {
  const named = (body.policyName ?? '').toUpperCase();
  if (named === 'TEN_SECONDLY_ROLLING' || named === 'SECONDLY' || named === 'DAILY') return named;
  const message = (body.message ?? '').toLowerCase();
  if (message.includes('ten_secondly') || message.includes('ten secondly')) return 'TEN_SECONDLY_ROLLING';
  if (message.includes('daily')) return 'DAILY';
  if (message.includes('secondly')) return 'SECONDLY';
  return isSearch ? 'SECONDLY' : named ? 'UNKNOWN' : 'TEN_SECONDLY_ROLLING';
}

/** An edge error page: axios hands a body that is not JSON over as a string. */
function htmlPage(body: unknown): boolean {
  return typeof body === 'string' && /^\s*<(!doctype|html|head|body)/i.test(body);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * HubSpot names bad fields in several places: `errors[].in`, `errors[].context.propertyName`, or a JSON list
 * embedded in the message ("Property values were not valid: [{...,"name":"email"}]").
 */
export function extractFieldMessages(body: ErrorBody): FieldMessage[] {
  const out: FieldMessage[] = [];
  for (const detail of body.errors ?? []) {
    const names = detail.context?.propertyName;
    const fromContext = Array.isArray(names) ? names.map(String) : [];
    const fields = fromContext.length > 0 ? fromContext : [str(detail.in)];
    for (const field of fields) {
      out.push({ field, message: detail.message ?? 'invalid', code: str(detail.code) });
    }
  }
  const message = body.message ?? '';
  const embedded = message.indexOf('[{');
  if (embedded >= 0) {
    try {
      const parsed: unknown = JSON.parse(message.slice(embedded));
      if (Array.isArray(parsed)) {
        for (const item of parsed as Array<Record<string, unknown>>) {
          const field = str(item.name) ?? str(item.propertyName);
          if (field && !out.some((f) => f.field === field)) {
            out.push({ field, message: str(item.message) ?? 'invalid', code: str(item.error) });
          }
        }
      }
    } catch {
      // Not JSON after all: the plain message is still reported.
    }
  }
  const quoted = /[Pp]roperty "([^"]+)"/.exec(message);
  if (quoted?.[1] && !out.some((f) => f.field === quoted[1])) out.push({ field: quoted[1], message });
  return out;
}

export function parseExistingId(message: string): string | undefined {
  return /Existing ID:\s*(\d+)/i.exec(message)?.[1];
}

export interface ResponseErrorInput extends HubSpotErrorContext {
  status: number;
  body: unknown;
  headers: Headers;
  isSearch: boolean;
  now: Date;
  accountTimeZone: string;
  /** The 10-second window the portal announced (X-HubSpot-RateLimit-Interval-Milliseconds), if seen. */
  intervalMs: number;
}

export function errorFromResponse(input: ResponseErrorInput): HubSpotError {
  const body = asErrorBody(input.body);
  const init = {
    method: input.method,
    endpoint: input.endpoint,
    status: input.status,
    category: str(body.category) ?? str(body.errorType),
    correlationId: str(body.correlationId),
  };
  const message =
    str(body.message) ?? `HubSpot answered ${input.status}${htmlPage(input.body) ? ' with an HTML page' : ''}`;
  const { status } = input;

  if (status === 429) {
    const policy = classifyRateLimitPolicy(body, input.isSearch);
    const retryAfter = parseRetryAfterMs(input.headers, input.now);
    const windowMs =
      policy === 'DAILY'
        ? msUntilNextMidnight(input.now, input.accountTimeZone)
        : policy === 'SECONDLY'
          ? 1000
          : input.intervalMs;
    // DAILY ignores a short Retry-After: the quota only comes back at the account's midnight.
    const retryAfterMs = policy === 'DAILY' ? Math.max(windowMs, retryAfter ?? 0) : (retryAfter ?? windowMs);
    return new HubSpotRateLimitError(
      message,
      { ...init, category: init.category ?? 'RATE_LIMIT' },
      policy,
      retryAfterMs,
    );
  }
  if (status === 400 || status === 422) return new HubSpotValidationError(message, init, extractFieldMessages(body));
  if (status === 401 || status === 403) return new HubSpotAuthError(message, init);
  if (status === 404 || status === 410) return new HubSpotNotFoundError(message, init);
  if (status === 409) return new HubSpotConflictError(message, init, parseExistingId(message));
  if (status === 423) {
    const retryAfter = parseRetryAfterMs(input.headers, input.now) ?? 0;
    return new HubSpotLockedError(message, init, Math.max(LOCKED_MIN_WAIT_MS, retryAfter));
  }
  if (status === 477) {
    const retryAfter = parseRetryAfterMs(input.headers, input.now) ?? MIGRATION_DEFAULT_WAIT_MS;
    return new HubSpotMigrationError(message, init, Math.min(MIGRATION_MAX_WAIT_MS, Math.max(1_000, retryAfter)));
  }
  // HubSpot's edge (502/503/504/521/523/524) answers with an HTML page, not HubSpot's JSON error: still temporary.
  if (status >= 500) return new HubSpotServerError(message, init);
  return new BaseError(message, init);
}
