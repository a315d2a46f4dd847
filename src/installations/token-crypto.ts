import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Tokens at rest: AES-256-GCM with a key from HUBSPOT_TOKEN_KEYS. Each ciphertext names its key
// (`v1.<keyId>.<iv>.<tag>.<data>`, base64url), so keys rotate: the first key encrypts, any listed key decrypts,
// and a token is re-encrypted with the current key whenever it is written again (every refresh). Errors name the
// key id and what went wrong, never the plaintext or the key.

export class TokenCryptoError extends Error {
  override readonly name = 'TokenCryptoError';
}

export interface TokenKey {
  id: string;
  key: Buffer;
}

const VERSION = 'v1';

export class TokenCipher {
  readonly #keys: Map<string, Buffer>;
  readonly #current: TokenKey;

  constructor(keys: readonly TokenKey[]) {
    const first = keys[0];
    if (!first) throw new TokenCryptoError('no token key configured (HUBSPOT_TOKEN_KEYS)');
    for (const k of keys)
      if (k.key.length !== 32) throw new TokenCryptoError(`token key ${k.id} is not 32 bytes (AES-256)`);
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
    this.#current = first;
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  /** `purpose` is bound as additional data: a refresh token's ciphertext cannot pass for an access token's. */
  encrypt(plaintext: string, purpose: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}.${this.#current.id}.${purpose}`));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.#current.id, iv, cipher.getAuthTag(), data]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(envelope: string, purpose: string): string {
    const parts = envelope.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new TokenCryptoError('stored token is not a v1 ciphertext');
    const [, keyId, iv, tag, data] = parts as [string, string, string, string, string];
    const key = this.#keys.get(keyId);
    if (!key)
      throw new TokenCryptoError(
        `stored token is encrypted with key ${keyId}, which HUBSPOT_TOKEN_KEYS does not list (keep retired keys listed until every token was refreshed)`,
      );
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${VERSION}.${keyId}.${purpose}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new TokenCryptoError(
        `stored token does not decrypt with key ${keyId}: altered, or that id names another key now`,
      );
    }
  }

  /** Whether a ciphertext was made with an older key (rotation: refresh or re-encrypt it). */
  isStale(envelope: string): boolean {
    return envelope.split('.')[1] !== this.#current.id;
  }

  toJSON(): Record<string, string> {
    return { type: 'TokenCipher', currentKeyId: this.#current.id };
  }
}
