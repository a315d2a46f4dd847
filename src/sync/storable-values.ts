// Whether a typed local value fits its PostgreSQL column. A value that does not (a deal amount of 1e16 into
// numeric(18,2), a date PostgreSQL cannot read) would make the database refuse the whole page; checked first,
// it fails only its record's field. Column types come from prisma/schema.prisma (src/store/tables.ts). Pure.

export interface StorableColumn {
  type: 'text' | 'numeric' | 'timestamptz';
  /** numeric(precision, scale): at most precision - scale digits before the point (PostgreSQL rounds the rest). */
  precision?: number;
  scale?: number;
  /** varchar(n): characters. */
  maxLength?: number;
}

export type Storability = { ok: true } | { ok: false; reason: string };

const OK: Storability = { ok: true };

// The batched write sends instants as ISO 8601 (Date#toISOString), which PostgreSQL reads for years 1-9999
// only (an expanded year like +010000 is refused); PostgreSQL itself holds 4713 BC to 294276 AD.
const MIN_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

export function storableValue(column: StorableColumn | undefined, value: unknown): Storability {
  if (!column || value === null || value === undefined) return OK;
  switch (column.type) {
    case 'numeric':
      return storableNumeric(column, value);
    case 'timestamptz':
      return storableInstant(value);
    case 'text': {
      const text = String(value);
      if (text.includes('\u0000'))
        return { ok: false, reason: 'contains a NUL character, which PostgreSQL text cannot hold' };
      if (column.maxLength !== undefined && [...text].length > column.maxLength)
        return { ok: false, reason: `longer than the column's ${column.maxLength} characters` };
      return OK;
    }
  }
}

function storableInstant(value: unknown): Storability {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value));
  if (!Number.isFinite(ms)) return { ok: false, reason: 'not a valid instant' };
  if (ms < MIN_INSTANT || ms > MAX_INSTANT)
    return { ok: false, reason: 'outside the storable date range (years 1 to 9999)' };
  return OK;
}

function storableNumeric(column: StorableColumn, value: unknown): Storability {
  const text = typeof value === 'number' ? String(value) : String(value).trim();
  if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, reason: 'not a finite number' };
  const match = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[1] === '' && (match[2] ?? '') === '')) return { ok: false, reason: 'not a number' };
  if (column.precision === undefined) return OK;
  const scale = column.scale ?? 0;
  const intDigits = integerDigitsAfterRounding(match[1] ?? '', match[2] ?? '', Number(match[3] ?? 0), scale);
  const allowed = column.precision - scale;
  if (intDigits > allowed)
    return {
      ok: false,
      reason: `exceeds numeric(${column.precision},${scale}): ${intDigits} digits before the decimal point, at most ${allowed}`,
    };
  return OK;
}

/** Digits before the point once the value is rounded to `scale` fractional digits, as PostgreSQL stores it. */
function integerDigitsAfterRounding(intPart: string, fracPart: string, exponent: number, scale: number): number {
  if (Math.abs(exponent) > 1000) return exponent > 0 ? Infinity : 0;
  const all = intPart + fracPart;
  let digits = all.replace(/^0+/, '');
  let point = intPart.length + exponent - (all.length - digits.length);
  if (digits === '') return 0;
  // Rounding at `scale` carries into a new leading digit only when every kept digit is a 9.
  const kept = point + scale;
  if (kept < digits.length && kept >= 0 && Number(digits[kept]) >= 5 && /^9*$/.test(digits.slice(0, kept))) {
    digits = `1${'0'.repeat(Math.max(kept, 0))}`;
    point += 1;
  }
  return Math.max(0, point);
}
