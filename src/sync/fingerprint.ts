// Short, stable fingerprints of field values, stored as FieldState.pushed / pulled.
// Runs inside Temporal workflows, so it cannot use node:crypto; FNV-1a 64-bit is enough because the
// fingerprint only has to tell "the value we wrote" from "some other value of the same field" — it is
// not a security boundary. The output format is persisted: changing it makes every stored hash stale
// (the next sync of each field would then look like a change), so bump FINGERPRINT_VERSION if you must.

export const FINGERPRINT_VERSION = 1;

const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

// null and "" are different inputs here; callers normalise first (see normalizeForCompare), which
// folds "" into null for every transform because HubSpot uses both to mean "no value".
const NULL_TAG = 0x00;
const STRING_TAG = 0x01;

export function valueFingerprint(value: string | null): string {
  let hash = FNV_OFFSET_BASIS;
  const feed = (byte: number): void => {
    hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * FNV_PRIME);
  };
  if (value === null) {
    feed(NULL_TAG);
  } else {
    feed(STRING_TAG);
    forEachUtf8Byte(value, feed);
  }
  return hash.toString(16).padStart(16, '0');
}

// Hand-rolled UTF-8 so the result does not depend on TextEncoder being present in the workflow sandbox.
// Lone surrogates are encoded as U+FFFD, like TextEncoder does.
function forEachUtf8Byte(text: string, feed: (byte: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      code = 0xfffd;
    }
    if (code < 0x80) {
      feed(code);
    } else if (code < 0x800) {
      feed(0xc0 | (code >> 6));
      feed(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      feed(0xe0 | (code >> 12));
      feed(0x80 | ((code >> 6) & 0x3f));
      feed(0x80 | (code & 0x3f));
    } else {
      feed(0xf0 | (code >> 18));
      feed(0x80 | ((code >> 12) & 0x3f));
      feed(0x80 | ((code >> 6) & 0x3f));
      feed(0x80 | (code & 0x3f));
    }
  }
}
