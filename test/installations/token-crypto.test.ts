import { randomBytes } from 'node:crypto';
import { parseConfig, parseTokenKeys } from '../../src/config';
import { TokenCipher, TokenCryptoError } from '../../src/installations/token-crypto';

const key = (id: string) => ({ id, key: randomBytes(32) });
const TOKEN = 'CKDZpunPLhICAQEYs-gDIIGOBii1hQIyGQAf3xBKEgsYjYMJVvlHEz9tFHAwSq1TQAM40s0D';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('TokenCipher (AES-256-GCM, key id in each ciphertext)', () => {
  it('round-trips, names its key and never holds the plaintext in the ciphertext', () => {
    const cipher = new TokenCipher([key('k1')]);
    const sealed = cipher.encrypt(TOKEN, 'access_token');
    expect(sealed.split('.').slice(0, 2)).toEqual(['v1', 'k1']);
    expect(sealed).not.toContain(TOKEN);
    expect(cipher.decrypt(sealed, 'access_token')).toBe(TOKEN);
    // A fresh IV every time: the same token never gives the same ciphertext.
    expect(cipher.encrypt(TOKEN, 'access_token')).not.toBe(sealed);
  });

  it('refuses a tampered ciphertext, and a refresh token passed off as an access token', () => {
    const cipher = new TokenCipher([key('k1')]);
    const sealed = cipher.encrypt(TOKEN, 'refresh_token');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = data[0]! ^ 1;
    const tampered = [...parts.slice(0, 4), data.toString('base64url')].join('.');
    expect(() => cipher.decrypt(tampered, 'refresh_token')).toThrow(TokenCryptoError);
    expect(() => cipher.decrypt(sealed, 'access_token')).toThrow(/does not decrypt with key k1/);
    expect(() => cipher.decrypt('plaintext-token', 'refresh_token')).toThrow(/not a v1 ciphertext/);
  });

  it('rotates: the first key encrypts, older listed keys still decrypt, a retired key is named', () => {
    const old = key('2025');
    const sealedWithOld = new TokenCipher([old]).encrypt(TOKEN, 'refresh_token');
    const rotated = new TokenCipher([key('2026'), old]);
    expect(rotated.decrypt(sealedWithOld, 'refresh_token')).toBe(TOKEN);
    expect(rotated.isStale(sealedWithOld)).toBe(true);
    const resealed = rotated.encrypt(TOKEN, 'refresh_token');
    expect(resealed.split('.')[1]).toBe('2026');
    expect(rotated.isStale(resealed)).toBe(false);

    const withoutOld = new TokenCipher([key('2026')]);
    expect(() => withoutOld.decrypt(sealedWithOld, 'refresh_token')).toThrow(
      /encrypted with key 2025, which HUBSPOT_TOKEN_KEYS does not list/,
    );
  });

  it('a wrong key under the same id is a clear error without the token or the key in it', () => {
    const right = key('k1');
    const wrong = key('k1');
    const sealed = new TokenCipher([right]).encrypt(TOKEN, 'access_token');
    const err = errorOf(() => new TokenCipher([wrong]).decrypt(sealed, 'access_token'));
    expect(err).toBeInstanceOf(TokenCryptoError);
    expect(err.message).toMatch(/does not decrypt with key k1/);
    for (const secret of [TOKEN, right.key.toString('base64'), wrong.key.toString('base64'), sealed])
      expect(err.message).not.toContain(secret);
    expect(JSON.stringify(new TokenCipher([right]))).not.toContain(right.key.toString('base64'));
  });
});

describe('HUBSPOT_TOKEN_KEYS', () => {
  const b64 = () => randomBytes(32).toString('base64');

  it('parses id:base64 entries, first = current', () => {
    const [a, b] = [b64(), b64()];
    const keys = parseTokenKeys(`new:${a}, old:${b}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[0]!.key.toString('base64')).toBe(a);
  });

  it('names the bad entry and never echoes a key', () => {
    const good = b64();
    const short = randomBytes(16).toString('base64');
    for (const [value, message] of [
      [`k1:${short}`, /key k1: must be 32 bytes/],
      [`k1:${good},k1:${good}`, /entry 2: key id k1 appears twice/],
      [`${good}`, /entry 1: the key id/],
    ] as const) {
      const err = errorOf(() => parseConfig({ HUBSPOT_TOKEN_KEYS: value }));
      expect(err.message).toMatch(message);
      expect(err.message).not.toContain(good);
      expect(err.message).not.toContain(short);
    }
  });

  it('public mode requires the client id, the redirect URL and the keys; private mode needs none', () => {
    expect(parseConfig({}).HUBSPOT_APP_MODE).toBe('private');
    const err = errorOf(() => parseConfig({ HUBSPOT_APP_MODE: 'public' }));
    for (const name of ['HUBSPOT_CLIENT_ID', 'HUBSPOT_OAUTH_REDIRECT_URL', 'HUBSPOT_TOKEN_KEYS'])
      expect(err.message).toContain(`${name}: required when HUBSPOT_APP_MODE=public`);
    const config = parseConfig({
      HUBSPOT_APP_MODE: 'public',
      HUBSPOT_CLIENT_ID: 'client-1',
      HUBSPOT_OAUTH_REDIRECT_URL: 'https://hubsync.example.com/oauth/callback',
      HUBSPOT_TOKEN_KEYS: `k1:${b64()}`,
      HUBSPOT_OAUTH_SCOPES: 'crm.objects.contacts.read, crm.objects.contacts.write',
    });
    expect(config.HUBSPOT_OAUTH_SCOPES).toEqual(['crm.objects.contacts.read', 'crm.objects.contacts.write']);
  });
});
