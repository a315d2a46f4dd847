import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  HubSpotAuthError,
  HubSpotConflictError,
  type HubSpotError,
  HubSpotLockedError,
  HubSpotMigrationError,
  HubSpotNetworkError,
  HubSpotNotFoundError,
  HubSpotRateLimitError,
  HubSpotResponseShapeError,
  HubSpotServerError,
  HubSpotValidationError,
} from '../../src/hubspot/errors';
import { AUTH_RETRY_DELAY_MS, hubspotFailures, toTemporalFailure } from '../../src/temporal/hubspot-failures';

const ctx = { method: 'POST', endpoint: '/crm/v3/objects/{type}/batch/create' };

function delayMs(failure: ApplicationFailure): number | undefined {
  const d = failure.nextRetryDelay;
  return d === undefined || d === null ? undefined : Number(d);
}

describe('toTemporalFailure', () => {
  const init = { ...ctx, status: 400 };
  it.each<[string, HubSpotError, boolean, number | undefined]>([
    ['ten-secondly 429', new HubSpotRateLimitError('rl', init, 'TEN_SECONDLY_ROLLING', 10_000), false, 10_000],
    ['secondly 429', new HubSpotRateLimitError('rl', init, 'SECONDLY', 1000), false, 1000],
    ['daily 429', new HubSpotRateLimitError('rl', init, 'DAILY', 5 * 3600_000), false, 5 * 3600_000],
    ['423', new HubSpotLockedError('locked', init, 2000), false, 2000],
    ['477', new HubSpotMigrationError('migrating', { ...ctx, status: 477 }, 7_200_000), false, 7_200_000],
    ['5xx', new HubSpotServerError('boom', init), false, undefined],
    ['network', new HubSpotNetworkError('reset', ctx, false, 'ECONNRESET'), false, undefined],
    ['timeout', new HubSpotNetworkError('slow', ctx, true, 'ERR_CANCELED'), false, undefined],
    ['400', new HubSpotValidationError('bad', init, [{ field: 'email', message: 'bad' }]), true, undefined],
    ['401 on a write', new HubSpotAuthError('no', init), true, undefined],
    [
      '401 on a batch read',
      new HubSpotAuthError('no', { method: 'POST', endpoint: '/crm/v3/objects/{type}/batch/read', status: 401 }),
      false,
      AUTH_RETRY_DELAY_MS,
    ],
    [
      '403 on a GET',
      new HubSpotAuthError('no', { method: 'GET', endpoint: '/crm/v3/objects/{type}/{id}', status: 403 }),
      false,
      AUTH_RETRY_DELAY_MS,
    ],
    [
      '401 on a search',
      new HubSpotAuthError('no', { method: 'POST', endpoint: '/crm/v3/objects/{type}/search', status: 401 }),
      false,
      AUTH_RETRY_DELAY_MS,
    ],
    ['404', new HubSpotNotFoundError('gone', init), true, undefined],
    ['409', new HubSpotConflictError('dup', init, '7'), true, undefined],
    [
      'malformed',
      new HubSpotResponseShapeError(ctx, 'results[0].id', [{ path: 'results[0].id', message: 'x' }]),
      true,
      undefined,
    ],
  ])('%s', (_label, err, nonRetryable, delay) => {
    const failure = toTemporalFailure(err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(err.name);
    expect(failure.nonRetryable).toBe(nonRetryable);
    expect(delayMs(failure)).toBe(delay);
  });

  it('keeps the details an activity needs, such as the existing id', () => {
    const failure = toTemporalFailure(new HubSpotConflictError('dup', { ...ctx, status: 409 }, '7'));
    expect(failure.details?.[0]).toMatchObject({ existingId: '7', status: 409, endpoint: ctx.endpoint });
  });

  it('lets unknown errors retry', () => {
    const failure = toTemporalFailure(new TypeError('x is undefined'));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('TypeError');
  });
});

describe('hubspotFailures interceptor', () => {
  const env = () => new MockActivityEnvironment(undefined, { interceptors: [hubspotFailures] });

  it('turns a HubSpot error leaving an activity into its Temporal failure', async () => {
    const failing = async (): Promise<never> => {
      throw new HubSpotRateLimitError('rl', { ...ctx, status: 429 }, 'SECONDLY', 1500);
    };
    const thrown = await env()
      .run(failing)
      .catch((err: unknown) => err);
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({ type: 'HubSpotRateLimitError', nonRetryable: false });
    expect(delayMs(thrown as ApplicationFailure)).toBe(1500);
  });

  it('leaves other errors and results as they are', async () => {
    const bug = new TypeError('x is undefined');
    await expect(
      env().run(async () => {
        throw bug;
      }),
    ).rejects.toBe(bug);
    await expect(env().run(async () => 42)).resolves.toBe(42);
  });
});
