import { toTemporalFailure } from '../src/hubspot';

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/**
 * The single place where a HubSpot-calling activity's error becomes a Temporal failure (retryable with the
 * right delay, or final). Activities throw the client's typed errors; nothing else catches them.
 */
export function withTemporalFailures<T extends Record<string, ActivityFunction>>(activities: T): T {
  const wrapped: Record<string, ActivityFunction> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw toTemporalFailure(err);
      }
    };
  }
  return wrapped as T;
}
