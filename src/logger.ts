import pino, { type Logger } from 'pino';
import { logContext } from './log-context';

export type { Logger };

// Secrets and personal data must never reach logs: whatever field names carry them are censored at the
// logger, so a careless `log.info({ headers })` cannot leak a token.
const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'clientSecret',
  '*.clientSecret',
  'apiKey',
  '*.apiKey',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'firstname',
  '*.firstname',
  'lastname',
  '*.lastname',
  'properties',
  '*.properties',
];

/** `destination` defaults to stdout; tests pass a memory stream to read what would have been logged. */
export function createLogger(
  level: string,
  bindings: Record<string, unknown> = {},
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service: 'hubsync', ...bindings },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      // Inside an activity: workflowId, runId, activity, attempt, portalId (see src/log-context.ts).
      mixin: () => logContext.getStore() ?? {},
    },
    destination,
  );
}
