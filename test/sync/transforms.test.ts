import {
  canonicalDecimal,
  normalizeForCompare,
  parseHubSpotInstant,
  toHubSpotValue,
  toLocalValue,
  FieldValueError,
} from '../../src/sync/transforms';

describe('canonicalDecimal', () => {
  it.each([
    ['1000', '1000'],
    ['1000.00', '1000'],
    ['+001000.50', '1000.5'],
    ['1e3', '1000'],
    ['1.5E-2', '0.015'],
    ['-0.00', '0'],
    ['-12.340', '-12.34'],
    ['.5', '0.5'],
    ['7.', '7'],
    [' 42 ', '42'],
  ])('%s → %s', (input, expected) => expect(canonicalDecimal(input)).toBe(expected));

  it.each(['', 'abc', '1,000', '1.2.3', '.', '1e99999'])('rejects %p', (input) =>
    expect(canonicalDecimal(input)).toBeUndefined(),
  );
});

describe('parseHubSpotInstant', () => {
  it('reads epoch-ms strings and ISO strings to the same instant', () => {
    expect(parseHubSpotInstant('1705312800000')).toBe(Date.UTC(2024, 0, 15, 10));
    expect(parseHubSpotInstant('2024-01-15T10:00:00.000Z')).toBe(Date.UTC(2024, 0, 15, 10));
    expect(parseHubSpotInstant('2024-01-15T12:00:00+02:00')).toBe(Date.UTC(2024, 0, 15, 10));
    expect(parseHubSpotInstant('2024-01-15')).toBe(Date.UTC(2024, 0, 15));
  });

  it('reads a zone-less ISO time as UTC, whatever the host zone', () => {
    expect(parseHubSpotInstant('2024-01-15T10:00:00')).toBe(Date.UTC(2024, 0, 15, 10));
  });

  it('refuses free-form dates rather than guessing', () => {
    expect(parseHubSpotInstant('Jan 15 2024')).toBeUndefined();
    expect(parseHubSpotInstant('2024-13-45')).toBeUndefined();
  });
});

describe('normalizeForCompare', () => {
  it('makes decimal spellings equal', () => {
    expect(normalizeForCompare('decimal', '1000')).toBe(normalizeForCompare('decimal', '1000.00'));
    expect(normalizeForCompare('decimal', 1000)).toBe('1000');
    // A Prisma Decimal stand-in: anything with toFixed() is read through its string form.
    expect(normalizeForCompare('decimal', { toFixed: () => '', toString: () => '1000.10' })).toBe('1000.1');
  });

  it('makes date-time spellings equal: ISO, epoch ms, Date', () => {
    const iso = normalizeForCompare('datetime', '2024-01-15T10:00:00Z');
    expect(normalizeForCompare('datetime', '1705312800000')).toBe(iso);
    expect(normalizeForCompare('datetime', new Date(Date.UTC(2024, 0, 15, 10)))).toBe(iso);
    expect(iso).toBe('2024-01-15T10:00:00.000Z');
  });

  it('compares dates by UTC calendar day', () => {
    expect(normalizeForCompare('date', String(Date.UTC(2024, 0, 15)))).toBe('2024-01-15');
    expect(normalizeForCompare('date', '2024-01-15')).toBe('2024-01-15');
    expect(normalizeForCompare('date', new Date(Date.UTC(2024, 0, 15, 23, 59)))).toBe('2024-01-15');
  });

  it('treats "" and null alike and keeps unparsable input distinct from valid values', () => {
    expect(normalizeForCompare('string', '')).toBeNull();
    expect(normalizeForCompare('decimal', null)).toBeNull();
    expect(normalizeForCompare('decimal', 'n/a')).toBe('n/a');
  });

  it('compares enums in HubSpot vocabulary', () => {
    const t = { transform: 'enum' as const, values: { open: 'OPEN', won: 'CLOSED_WON' } };
    expect(normalizeForCompare(t, 'won')).toBe(normalizeForCompare(t, 'CLOSED_WON'));
    expect(normalizeForCompare(t, 'unknown_stage')).toBe('unknown_stage');
  });

  it('normalises numbers and booleans', () => {
    expect(normalizeForCompare('number', '3.0')).toBe(normalizeForCompare('number', 3));
    expect(normalizeForCompare('boolean', 'TRUE')).toBe(normalizeForCompare('boolean', true));
  });
});

describe('toLocalValue / toHubSpotValue', () => {
  it('round-trips decimals without float loss', () => {
    const local = toLocalValue('decimal', '12345678901234567.89');
    expect(local).toEqual({ ok: true, value: '12345678901234567.89' });
    expect(toHubSpotValue('decimal', '12345678901234567.89')).toBe('12345678901234567.89');
  });

  it('sends dates as midnight-UTC epoch ms and reads them back as that day', () => {
    const sent = toHubSpotValue('date', new Date(Date.UTC(2024, 2, 3, 17, 30)));
    expect(sent).toBe(String(Date.UTC(2024, 2, 3)));
    expect(toLocalValue('date', sent)).toEqual({ ok: true, value: new Date(Date.UTC(2024, 2, 3)) });
    expect(toLocalValue('date', '2024-03-03')).toEqual({ ok: true, value: new Date(Date.UTC(2024, 2, 3)) });
  });

  it('sends datetimes as ISO and reads ISO or epoch ms', () => {
    const at = new Date(Date.UTC(2024, 0, 15, 10, 5, 7, 123));
    expect(toHubSpotValue('datetime', at)).toBe('2024-01-15T10:05:07.123Z');
    expect(toLocalValue('datetime', String(at.getTime()))).toEqual({ ok: true, value: at });
  });

  it('maps enum values both ways and passes unknown ones through', () => {
    const t = { transform: 'enum' as const, values: { open: 'OPEN' } };
    expect(toHubSpotValue(t, 'open')).toBe('OPEN');
    expect(toLocalValue(t, 'OPEN')).toEqual({ ok: true, value: 'open' });
    expect(toLocalValue(t, 'NEW_STAGE')).toEqual({ ok: true, value: 'NEW_STAGE' });
    expect(toHubSpotValue(t, 'NEW_STAGE')).toBe('NEW_STAGE');
  });

  it('maps empty to null locally and to "" (HubSpot\'s clear) on the wire', () => {
    expect(toLocalValue('datetime', '')).toEqual({ ok: true, value: null });
    expect(toHubSpotValue('string', null)).toBe('');
    expect(toHubSpotValue('decimal', undefined)).toBe('');
    expect(toHubSpotValue('datetime', '')).toBe('');
  });

  it('reports unparsable HubSpot values instead of guessing', () => {
    expect(toLocalValue('decimal', 'lots')).toEqual({ ok: false });
    expect(toLocalValue('number', 'NaN')).toEqual({ ok: false });
    expect(toLocalValue('boolean', 'maybe')).toEqual({ ok: false });
    expect(toLocalValue('datetime', 'yesterday')).toEqual({ ok: false });
  });

  it('refuses local values a transform cannot represent, without echoing the value', () => {
    expect(() => toHubSpotValue('number', 'secret-ish')).toThrow(FieldValueError);
    expect(() => toHubSpotValue('number', 'secret-ish')).not.toThrow(/secret-ish/);
    expect(() => toHubSpotValue('datetime', new Date(NaN))).toThrow(FieldValueError);
    expect(() => toHubSpotValue('string', { a: 1 })).toThrow(FieldValueError);
  });
});
