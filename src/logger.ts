import pino, { type Logger } from 'pino';

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

export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'hubsync', ...bindings }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}
