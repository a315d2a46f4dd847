// Typed failures of HubSpot calls. Every error the client throws is one of these, built from the status and
// body HubSpot sent: raw axios errors carry the request config (including the Authorization header), so they
// are never rethrown and never embedded.

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY' | 'UNKNOWN';

export interface HubSpotErrorContext {
  method: string;
  /** Templated path, e.g. /crm/v3/objects/{type}/batch/read: never ids, never query strings. */
  endpoint: string;
}

export interface HubSpotErrorInit extends HubSpotErrorContext {
  status?: number;
  category?: string;
  correlationId?: string;
}

export class HubSpotError extends Error {
  readonly status: number | undefined;
  readonly category: string | undefined;
  readonly correlationId: string | undefined;
  readonly endpoint: string;
  readonly method: string;

  constructor(message: string, init: HubSpotErrorInit) {
    super(`${message} (${init.method} ${init.endpoint}${init.status === undefined ? '' : ` → ${init.status}`})`);
    this.name = new.target.name;
    this.status = init.status;
    this.category = init.category;
    this.correlationId = init.correlationId;
    this.endpoint = init.endpoint;
    this.method = init.method;
  }
}

export class HubSpotRateLimitError extends HubSpotError {
  constructor(
    message: string,
    init: HubSpotErrorInit,
    readonly policy: RateLimitPolicy,
    /** How long to wait before the same call can succeed (DAILY: until the account's next midnight). */
    readonly retryAfterMs: number,
  ) {
    super(message, init);
  }
}

export interface FieldMessage {
  /** The property or input field HubSpot complained about, when it said. */
  field?: string;
  message: string;
  code?: string;
}

export class HubSpotValidationError extends HubSpotError {
  constructor(
    message: string,
    init: HubSpotErrorInit,
    readonly fieldMessages: FieldMessage[],
  ) {
    const named = fieldMessages.filter((f) => f.field).map((f) => `${f.field}: ${f.message}`);
    super(named.length > 0 ? `${message} [${named.join('; ')}]` : message, init);
  }

  get fields(): string[] {
    return [...new Set(this.fieldMessages.flatMap((f) => (f.field ? [f.field] : [])))];
  }
}

export class HubSpotAuthError extends HubSpotError {}

export class HubSpotNotFoundError extends HubSpotError {}

export class HubSpotConflictError extends HubSpotError {
  constructor(
    message: string,
    init: HubSpotErrorInit,
    /** The id of the record that already exists ("Existing ID: N"), when HubSpot named it. */
    readonly existingId: string | undefined,
  ) {
    super(message, init);
  }
}

export class HubSpotLockedError extends HubSpotError {
  constructor(
    message: string,
    init: HubSpotErrorInit,
    readonly retryAfterMs: number,
  ) {
    super(message, init);
  }
}

export class HubSpotServerError extends HubSpotError {}

/**
 * 477 Migration in Progress: the account is being moved between HubSpot data centres; HubSpot documents it as
 * temporary and says when to come back in Retry-After (possibly hours).
 */
export class HubSpotMigrationError extends HubSpotError {
  constructor(
    message: string,
    init: HubSpotErrorInit,
    readonly retryAfterMs: number,
  ) {
    super(message, init);
  }
}

export class HubSpotNetworkError extends HubSpotError {
  constructor(
    message: string,
    init: HubSpotErrorInit,
    readonly timedOut: boolean,
    readonly code: string | undefined,
  ) {
    super(message, init);
  }
}

/** A 2xx response whose body does not match the documented shape; `path` names the first bad field. */
export class HubSpotResponseShapeError extends HubSpotError {
  constructor(
    init: HubSpotErrorInit,
    readonly path: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(`unexpected response shape at ${path}: ${issues[0]?.message ?? 'invalid'}`, init);
  }
}

/** 477 without a usable Retry-After: try again in a minute. */
export const MIGRATION_DEFAULT_WAIT_MS = 60_000;
/** The longest a 477's Retry-After is honoured in one wait; longer migrations are waited out in several. */
export const MIGRATION_MAX_WAIT_MS = 6 * 60 * 60 * 1000;

/** Locked (423): HubSpot asks for at least two seconds. */
export const LOCKED_MIN_WAIT_MS = 2000;
