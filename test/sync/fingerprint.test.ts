import fc from 'fast-check';
import { valueFingerprint } from '../../src/sync/fingerprint';

// Reference FNV-1a 64 over Node's own UTF-8 encoder, to check the hand-rolled encoder and arithmetic.
function referenceFnv1a64(bytes: Uint8Array): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

describe('valueFingerprint', () => {
  it('is FNV-1a 64 of a type tag followed by the UTF-8 bytes', () => {
    expect(valueFingerprint('a')).toBe(referenceFnv1a64(Uint8Array.from([0x01, 0x61])));
    expect(valueFingerprint(null)).toBe(referenceFnv1a64(Uint8Array.from([0x00])));
  });

  it('pins the persisted format (stored hashes must stay valid across releases)', () => {
    expect(valueFingerprint('hello')).toMatch(/^[0-9a-f]{16}$/);
    expect(valueFingerprint('hello')).toBe(valueFingerprint('hello'));
    expect(valueFingerprint('')).not.toBe(valueFingerprint(null));
  });

  it('encodes every string like TextEncoder/Buffer does, including astral and lone surrogates', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const bytes = Buffer.concat([Buffer.from([1]), Buffer.from(text, 'utf8')]);
        expect(valueFingerprint(text)).toBe(referenceFnv1a64(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart values that differ in one character', () => {
    expect(valueFingerprint('1000')).not.toBe(valueFingerprint('1001'));
    expect(valueFingerprint('Émile')).not.toBe(valueFingerprint('Emile'));
  });
});
