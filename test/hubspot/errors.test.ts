import {
  HubSpotAuthError,
  HubSpotConflictError,
  type HubSpotError,
  HubSpotLockedError,
  HubSpotMigrationError,
  HubSpotNotFoundError,
  HubSpotRateLimitError,
  HubSpotServerError,
  HubSpotValidationError,
} from '../../src/hubspot/errors';
import { errorFromResponse } from '../../src/hubspot/response-errors';
import { msUntilNextMidnight, nextMidnight } from '../../src/hubspot/time';

const NOW = new Date('2025-03-09T15:30:00.000Z');
const ctx = { method: 'POST', endpoint: '/crm/v3/objects/{type}/batch/create' };

function fromResponse(
  status: number,
  body: unknown,
  headers: Record<string, unknown> = {},
  isSearch = false,
): HubSpotError {
  return errorFromResponse({
    ...ctx,
    status,
    body,
    headers,
    isSearch,
    now: NOW,
    accountTimeZone: 'America/New_York',
    intervalMs: 10_000,
  });
}

describe('errorFromResponse', () => {
  it('reads the 10-second policy and waits the window when no Retry-After came', () => {
    const err = fromResponse(429, {
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      correlationId: 'c-1',
    });
    expect(err).toBeInstanceOf(HubSpotRateLimitError);
    expect((err as HubSpotRateLimitError).policy).toBe('TEN_SECONDLY_ROLLING');
    expect((err as HubSpotRateLimitError).retryAfterMs).toBe(10_000);
    expect(err.correlationId).toBe('c-1');
  });

  it('prefers Retry-After when HubSpot sends it', () => {
    const err = fromResponse(
      429,
      { policyName: 'TEN_SECONDLY_ROLLING' },
      { 'retry-after': '3' },
    ) as HubSpotRateLimitError;
    expect(err.retryAfterMs).toBe(3000);
  });

  it('recognises the search limit from the message alone', () => {
    const err = fromResponse(
      429,
      { message: 'You have reached your secondly limit.' },
      {},
      true,
    ) as HubSpotRateLimitError;
    expect(err.policy).toBe('SECONDLY');
    expect(err.retryAfterMs).toBe(1000);
  });

  it('makes DAILY wait until the account midnight, ignoring a short Retry-After', () => {
    const err = fromResponse(
      429,
      { policyName: 'DAILY', message: 'daily' },
      { 'retry-after': '1' },
    ) as HubSpotRateLimitError;
    expect(err.policy).toBe('DAILY');
    // 15:30Z on 9 March 2025 is 11:30 EDT; midnight EDT is 04:00Z next day.
    expect(err.retryAfterMs).toBe(Date.parse('2025-03-10T04:00:00.000Z') - NOW.getTime());
  });

  it('names the fields of a validation error, wherever HubSpot put them', () => {
    const embedded = fromResponse(400, {
      category: 'VALIDATION_ERROR',
      message:
        'Property values were not valid: [{"isValid":false,"message":"Email address foo is invalid","error":"INVALID_EMAIL","name":"email"}]',
    }) as HubSpotValidationError;
    expect(embedded).toBeInstanceOf(HubSpotValidationError);
    expect(embedded.fields).toEqual(['email']);
    expect(embedded.message).toContain('email: Email address foo is invalid');

    const detailed = fromResponse(400, {
      category: 'VALIDATION_ERROR',
      message: 'bad',
      errors: [
        {
          message: 'Property "shoe_size" does not exist',
          code: 'PROPERTY_DOESNT_EXIST',
          context: { propertyName: ['shoe_size'] },
        },
      ],
    }) as HubSpotValidationError;
    expect(detailed.fields).toEqual(['shoe_size']);
    expect(detailed.fieldMessages[0]?.code).toBe('PROPERTY_DOESNT_EXIST');
  });

  it('parses the existing id out of a conflict', () => {
    const err = fromResponse(409, {
      category: 'CONFLICT',
      message: 'Contact already exists. Existing ID: 1234',
    }) as HubSpotConflictError;
    expect(err).toBeInstanceOf(HubSpotConflictError);
    expect(err.existingId).toBe('1234');
  });

  it.each([
    [401, HubSpotAuthError],
    [403, HubSpotAuthError],
    [404, HubSpotNotFoundError],
    [423, HubSpotLockedError],
    [500, HubSpotServerError],
    [503, HubSpotServerError],
  ])('maps %i to %p even with an unreadable body', (status, cls) => {
    expect(fromResponse(status, '<html>oops</html>')).toBeInstanceOf(cls);
  });

  it('waits at least two seconds on 423', () => {
    expect((fromResponse(423, {}) as HubSpotLockedError).retryAfterMs).toBe(2000);
    expect((fromResponse(423, {}, { 'retry-after': '5' }) as HubSpotLockedError).retryAfterMs).toBe(5000);
  });

  it('reads 477 Migration in Progress as temporary, waiting its Retry-After (bounded)', () => {
    const body = { status: 'error', message: 'Migration in Progress', category: 'MIGRATION_IN_PROGRESS' };
    const hours = fromResponse(477, body, { 'retry-after': '7200' });
    expect(hours).toBeInstanceOf(HubSpotMigrationError);
    expect((hours as HubSpotMigrationError).retryAfterMs).toBe(7_200_000);
    expect((fromResponse(477, body) as HubSpotMigrationError).retryAfterMs).toBe(60_000);
    expect((fromResponse(477, body, { 'retry-after': '86400' }) as HubSpotMigrationError).retryAfterMs).toBe(
      6 * 3600_000,
    );
  });

  it.each([502, 503, 504, 521, 523, 524])(
    'reads an HTML page from the edge with %i as a temporary server error',
    (status) => {
      const page = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>';
      const err = fromResponse(status, page);
      expect(err).toBeInstanceOf(HubSpotServerError);
      expect(err.message).toContain(`HubSpot answered ${status} with an HTML page`);
    },
  );

  it('names method, templated endpoint and status in the message', () => {
    expect(fromResponse(500, { message: 'boom' }).message).toBe(
      'boom (POST /crm/v3/objects/{type}/batch/create → 500)',
    );
  });
});

describe('account midnight', () => {
  it('handles the day clocks change', () => {
    // 9 March 2025 is the US spring-forward day; from 01:00 EST the next midnight is 04:00Z on the 10th.
    expect(nextMidnight(new Date('2025-03-09T06:00:00Z'), 'America/New_York').toISOString()).toBe(
      '2025-03-10T04:00:00.000Z',
    );
    expect(nextMidnight(new Date('2025-03-09T23:59:59Z'), 'UTC').toISOString()).toBe('2025-03-10T00:00:00.000Z');
    expect(msUntilNextMidnight(new Date('2025-06-01T18:00:00Z'), 'Asia/Kolkata')).toBe(30 * 60_000);
  });
});
