// Value conversions between HubSpot's wire form (every property is a string or null) and the typed
// local columns, plus the canonical form both sides are compared and fingerprinted in.
// Pure and deterministic (Date.parse is only fed strict ISO strings): safe inside Temporal workflows.

export const TRANSFORMS = ['string', 'number', 'decimal', 'date', 'datetime', 'enum', 'boolean'] as const;
export type TransformName = (typeof TRANSFORMS)[number];

/** A transform plus, for 'enum', its value map local value → HubSpot value. */
export interface FieldTransform {
  readonly transform: TransformName;
  readonly values?: Readonly<Record<string, string>>;
}
export type TransformInput = TransformName | FieldTransform;

export class FieldValueError extends Error {
  override readonly name = 'FieldValueError';
}

function spec(input: TransformInput): FieldTransform {
  return typeof input === 'string' ? { transform: input } : input;
}

// HubSpot sends "" as well as null for an empty property; both mean "no value" on every transform.
function isEmpty(value: unknown): value is null | undefined | '' {
  return value === null || value === undefined || value === '';
}

/**
 * Canonical decimal string: no exponent, no leading zeros, no trailing fractional zeros, no "-0",
 * so '1000', '1000.00', '1e3' and '+001000.0' are all '1000'. Undefined when `text` is not a number.
 */
export function canonicalDecimal(text: string): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', intDigits = '', fracDigits = '', expText] = match;
  if (intDigits === '' && fracDigits === '') return undefined;
  const exponent = expText === undefined ? 0 : Number(expText);
  // A bound on the exponent keeps a hostile '1e999999999' from allocating a gigabyte of zeros.
  if (Math.abs(exponent) > 1000) return undefined;
  let digits = intDigits + fracDigits;
  let point = intDigits.length + exponent;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits += '0'.repeat(point - digits.length);
  }
  const whole = digits.slice(0, point).replace(/^0+/, '') || '0';
  const fraction = digits.slice(point).replace(/0+$/, '');
  const magnitude = fraction ? `${whole}.${fraction}` : whole;
  return sign === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Epoch milliseconds of a HubSpot date/datetime value: an epoch-ms string or an ISO 8601 string.
 * ISO without a zone is read as UTC (HubSpot's convention) rather than the host's zone, so the
 * result never depends on where the worker runs.
 */
export function parseHubSpotInstant(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) {
    const ms = Number(trimmed);
    return Number.isSafeInteger(ms) ? ms : undefined;
  }
  const match = ISO_INSTANT.exec(trimmed);
  if (!match) return undefined;
  const hasTime = trimmed.includes('T');
  const ms = Date.parse(hasTime && match[1] === undefined ? `${trimmed}Z` : trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

function instantOf(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return parseHubSpotInstant(value);
  return undefined;
}

const DAY_MS = 86_400_000;
const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // Prisma's Decimal (decimal.js) and similar number wrappers.
  if (typeof value === 'object' && value !== null && typeof (value as { toFixed?: unknown }).toFixed === 'function') {
    return String(value);
  }
  return undefined;
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * The canonical string both sides are compared (and fingerprinted) in. Accepts HubSpot wire strings
 * and typed local values alike, so '1000' vs '1000.00' (decimal) or ISO vs epoch-ms (date/datetime)
 * compare equal. Enum values are compared in HubSpot's vocabulary: a local value found in the map is
 * translated first. A value that does not parse is compared as its raw text, so it still differs from
 * every well-formed value.
 */
export function normalizeForCompare(transform: TransformInput, value: unknown): string | null {
  if (isEmpty(value)) return null;
  const { transform: kind, values } = spec(transform);
  const raw = scalarText(value) ?? (value instanceof Date ? value.toISOString() : String(value));
  switch (kind) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw.trim());
      return raw.trim() !== '' && Number.isFinite(n) ? String(n) : raw;
    }
    case 'decimal':
      return canonicalDecimal(raw) ?? raw;
    case 'date': {
      const ms = instantOf(value);
      return ms === undefined ? raw : new Date(startOfUtcDay(ms)).toISOString().slice(0, 10);
    }
    case 'datetime': {
      const ms = instantOf(value);
      return ms === undefined ? raw : new Date(ms).toISOString();
    }
    case 'enum':
      return values?.[raw] ?? raw;
    case 'boolean': {
      const b = booleanOf(value);
      return b === undefined ? raw : String(b);
    }
  }
}

export type LocalConversion = { ok: true; value: unknown } | { ok: false };

/** HubSpot wire value → typed local column value. `ok: false` when HubSpot sent something unparsable. */
export function toLocalValue(transform: TransformInput, hubspotValue: string | null): LocalConversion {
  if (isEmpty(hubspotValue)) return { ok: true, value: null };
  const { transform: kind, values } = spec(transform);
  switch (kind) {
    case 'string':
      return { ok: true, value: hubspotValue };
    case 'number': {
      const n = Number(hubspotValue.trim());
      return hubspotValue.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
    }
    case 'decimal': {
      // A string, not a JS number: Prisma takes it for Decimal columns without losing precision.
      const canonical = canonicalDecimal(hubspotValue);
      return canonical === undefined ? { ok: false } : { ok: true, value: canonical };
    }
    case 'date':
    case 'datetime': {
      const ms = parseHubSpotInstant(hubspotValue);
      if (ms === undefined) return { ok: false };
      return { ok: true, value: new Date(kind === 'date' ? startOfUtcDay(ms) : ms) };
    }
    case 'enum': {
      // Values missing from the map (a stage added in HubSpot later) pass through unchanged both ways.
      const local = Object.entries(values ?? {}).find(([, hubspot]) => hubspot === hubspotValue)?.[0];
      return { ok: true, value: local ?? hubspotValue };
    }
    case 'boolean': {
      const b = booleanOf(hubspotValue);
      return b === undefined ? { ok: false } : { ok: true, value: b };
    }
  }
}

/**
 * Typed local value → HubSpot wire string. An empty value goes out as "": HubSpot clears a property only when
 * sent an empty string, and takes a null with 200 while changing nothing (CRM guide, "clearing properties";
 * HubSpot/hubspot-api-nodejs#324). Dates go out as midnight-UTC epoch ms (what HubSpot requires for date
 * properties), datetimes as ISO 8601.
 * Throws FieldValueError for a value the transform cannot represent; the message never holds the value.
 */
export function toHubSpotValue(transform: TransformInput, localValue: unknown): string {
  if (isEmpty(localValue)) return '';
  const { transform: kind, values } = spec(transform);
  const fail = (): never => {
    throw new FieldValueError(`value cannot be sent as a HubSpot ${kind}`);
  };
  switch (kind) {
    case 'string':
      return scalarText(localValue) ?? fail();
    case 'number': {
      const text = scalarText(localValue) ?? fail();
      const n = Number(text.trim());
      return Number.isFinite(n) ? String(n) : fail();
    }
    case 'decimal':
      return canonicalDecimal(scalarText(localValue) ?? fail()) ?? fail();
    case 'date': {
      const ms = instantOf(localValue) ?? fail();
      return String(startOfUtcDay(ms));
    }
    case 'datetime':
      return new Date(instantOf(localValue) ?? fail()).toISOString();
    case 'enum': {
      const text = scalarText(localValue) ?? fail();
      return values?.[text] ?? text;
    }
    case 'boolean': {
      const b = booleanOf(localValue);
      return b === undefined ? fail() : String(b);
    }
  }
}
