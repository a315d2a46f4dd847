import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import {
  HubSpotAuthError,
  HubSpotConflictError,
  HubSpotError,
  HubSpotLockedError,
  HubSpotMigrationError,
  HubSpotNetworkError,
  HubSpotNotFoundError,
  HubSpotRateLimitError,
  HubSpotResponseShapeError,
  HubSpotServerError,
  HubSpotValidationError,
  LOCKED_MIN_WAIT_MS,
} from '../hubspot/errors';

// The one translation of HubSpot failures into Temporal retry behaviour, applied to every activity by the
// worker's interceptor below. The client only waits out short rate-limit windows; everything else is decided here:
//   429 TEN_SECONDLY/SECONDLY → retry after the window; DAILY → retry at the account's next midnight;
//   423 → retry after ≥ 2 s; 477 Migration in Progress → retry after its Retry-After (at most 6 h a wait);
//   5xx (JSON or an edge's HTML page) / network / timeout → retry with the activity's backoff;
//   401/403 on a read (GET, batch/read, search) → retry after AUTH_RETRY_DELAY_MS: a revoked or rotated token, a
//     scope being granted, is fixed by a person within the activity's attempts (each answer raises
//     hubsync_hubspot_auth_refused_total and logs an error: the alert); the events behind a read wait meanwhile;
//   400 validation, 401/403 on a write, 404, 409, malformed response → do not retry (the same call would fail again).

function details(err: HubSpotError): Record<string, unknown> {
  return {
    status: err.status,
    category: err.category,
    correlationId: err.correlationId,
    method: err.method,
    endpoint: err.endpoint,
    ...(err instanceof HubSpotRateLimitError ? { policy: err.policy, retryAfterMs: err.retryAfterMs } : {}),
    ...(err instanceof HubSpotMigrationError ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(err instanceof HubSpotConflictError && err.existingId ? { existingId: err.existingId } : {}),
    ...(err instanceof HubSpotValidationError ? { fields: err.fields } : {}),
    ...(err instanceof HubSpotResponseShapeError ? { path: err.path } : {}),
    ...(err instanceof HubSpotNetworkError ? { timedOut: err.timedOut, code: err.code } : {}),
  };
}

/** Between attempts of a read HubSpot refused with 401/403 (with INBOUND_FETCH_RETRY's 30 attempts: an hour). */
export const AUTH_RETRY_DELAY_MS = 2 * 60_000;

const isRead = (err: HubSpotError): boolean =>
  err.method === 'GET' || /\/(batch\/read|search)$/.test(err.endpoint ?? '');

function retryable(err: HubSpotError): { nonRetryable: boolean; nextRetryDelay?: number } {
  if (err instanceof HubSpotAuthError && isRead(err))
    return { nonRetryable: false, nextRetryDelay: AUTH_RETRY_DELAY_MS };
  if (err instanceof HubSpotRateLimitError)
    return { nonRetryable: false, nextRetryDelay: Math.max(1, err.retryAfterMs) };
  if (err instanceof HubSpotLockedError)
    return { nonRetryable: false, nextRetryDelay: Math.max(LOCKED_MIN_WAIT_MS, err.retryAfterMs) };
  if (err instanceof HubSpotMigrationError) return { nonRetryable: false, nextRetryDelay: err.retryAfterMs };
  if (err instanceof HubSpotServerError || err instanceof HubSpotNetworkError) return { nonRetryable: false };
  if (
    err instanceof HubSpotValidationError ||
    err instanceof HubSpotAuthError ||
    err instanceof HubSpotNotFoundError ||
    err instanceof HubSpotConflictError ||
    err instanceof HubSpotResponseShapeError
  ) {
    return { nonRetryable: true };
  }
  // Any other 4xx is a request HubSpot will keep refusing; anything else may be transient.
  return { nonRetryable: err.status !== undefined && err.status >= 400 && err.status < 500 };
}

export function toTemporalFailure(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof HubSpotError) {
    const { nonRetryable, nextRetryDelay } = retryable(err);
    return ApplicationFailure.create({
      type: err.name,
      message: err.message,
      nonRetryable,
      ...(nextRetryDelay === undefined ? {} : { nextRetryDelay }),
      details: [details(err)],
    });
  }
  const error = err instanceof Error ? err : new Error(String(err));
  return ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: false });
}

/**
 * Activity interceptor: a HubSpot client error leaving any activity becomes the Temporal failure above; every
 * other error goes to Temporal as thrown (retried by the activity's policy).
 */
export const hubspotFailures: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute: async (input, next) => {
      try {
        return await next(input);
      } catch (err) {
        throw err instanceof HubSpotError ? toTemporalFailure(err) : err;
      }
    },
  },
});
