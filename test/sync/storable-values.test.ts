import { storableValue } from '../../src/sync/storable-values';

const amount = { type: 'numeric' as const, precision: 18, scale: 2 };

describe('storableValue', () => {
  it.each([
    ['9999999999999999.99', true],
    ['9999999999999999.994', true], // rounds down to .99
    ['9999999999999999.995', false], // rounds up to 10^16
    ['1e16', false],
    ['1e15', true],
    ['-9999999999999999', true],
    ['0.005', true],
    ['12345678901234567', false],
  ])('numeric(18,2) holds %s: %s', (value, ok) => {
    expect(storableValue(amount, value).ok).toBe(ok);
  });

  it('names the limit a numeric value exceeds', () => {
    expect(storableValue(amount, '1e16')).toEqual({
      ok: false,
      reason: 'exceeds numeric(18,2): 17 digits before the decimal point, at most 16',
    });
    expect(storableValue(amount, Number.POSITIVE_INFINITY).ok).toBe(false);
  });

  it('instants outside years 1-9999 (what the ISO form PostgreSQL reads covers) are refused', () => {
    const column = { type: 'timestamptz' as const };
    expect(storableValue(column, new Date('9999-12-31T23:59:59.999Z')).ok).toBe(true);
    expect(storableValue(column, new Date('0001-01-01T00:00:00.000Z')).ok).toBe(true);
    expect(storableValue(column, new Date(Date.parse('9999-12-31T23:59:59.999Z') + 1))).toEqual({
      ok: false,
      reason: 'outside the storable date range (years 1 to 9999)',
    });
    expect(storableValue(column, new Date(NaN)).ok).toBe(false);
  });

  it('text: NUL characters and a declared length are refused; null always fits', () => {
    expect(storableValue({ type: 'text' }, 'a\u0000b').ok).toBe(false);
    expect(storableValue({ type: 'text', maxLength: 3 }, 'abcd').ok).toBe(false);
    expect(storableValue({ type: 'text', maxLength: 3 }, 'abc').ok).toBe(true);
    expect(storableValue(amount, null).ok).toBe(true);
  });
});
