// Error replies that do not come from HubSpot's API code but from the accounts' migration layer and the edge in
// front of it. HubSpot's error-handling guide (developers.hubspot.com/docs/api-reference/error-handling, "Common error
// responses"): 477 Migration in Progress while an account moves between data-hosting locations, with a Retry-After
// header in seconds (typically up to 24 hours); 502/504 timeouts, 503 temporarily unavailable, 521/523/524 from the
// edge. Those edge pages are HTML, not HubSpot's JSON error (e.g. airbytehq/airbyte#33976 shows HubSpot's 414 as
// "<html> <head><title>414 Request-URI Too Large</title></head> ..."), so the simulator sends HTML for them.
import { HubSpotError, type Reply } from './http-util';

const EDGE_STATUSES = new Set([502, 503, 504, 521, 523, 524]);

const REASONS: Record<number, string> = {
  414: 'Request-URI Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
  521: 'Web server is down',
  523: 'Origin is unreachable',
  524: 'A timeout occurred',
};

export function htmlReply(status: number, headers: Record<string, string> = {}): Reply {
  const title = `${status} ${REASONS[status] ?? 'Error'}`;
  return {
    status,
    raw: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
    contentType: 'text/html',
    headers,
  };
}

/** An injected 5xx: HTML for the edge statuses unless `json` is asked for, HubSpot's JSON error otherwise. */
export function serverErrorReply(status: number, body?: 'html' | 'json'): Reply {
  if (body === 'html' || (body === undefined && EDGE_STATUSES.has(status))) return htmlReply(status);
  return { status, body: new HubSpotError(status, 'INTERNAL_ERROR', 'internal error').toBody() };
}

/** 477 with Retry-After in seconds. The body is not documented; HubSpot's JSON error shape is used. */
export function migrationReply(retryAfterSeconds: number): Reply {
  return {
    status: 477,
    body: new HubSpotError(477, 'MIGRATION_IN_PROGRESS', 'Migration in Progress').toBody(),
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}
