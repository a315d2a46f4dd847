import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';

// Webhook events, fetched records and pushed changes carry people's names, emails and phone numbers through
// Temporal: signal arguments, activity inputs and results, failure messages. With TEMPORAL_PAYLOAD_KEY set,
// every payload is encrypted (AES-256-GCM) before it leaves the process, so Temporal's database and its Web UI
// hold ciphertext only. Search attributes and workflow summaries are never encrypted: they hold ids, not people.

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_HEADER = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface SealedPayload {
  metadata: Record<string, string>;
  data: string;
}

const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

/** The key's public name: a hash prefix, so a payload says which key sealed it without revealing the key. */
export function payloadKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the payload key must be 32 bytes (AES-256)');
    this.keyId = payloadKeyId(key);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // The whole payload (its metadata names the encoding, e.g. json/plain) is sealed, then carried as bytes.
      const sealed: SealedPayload = {
        metadata: Object.fromEntries(
          Object.entries(payload.metadata ?? {}).map(([k, v]) => [
            k,
            Buffer.from(v ?? new Uint8Array()).toString('base64'),
          ]),
        ),
        data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
      };
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(sealed), 'utf8'), cipher.final()]);
      return {
        metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_HEADER]: Buffer.from(this.keyId) },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before encryption was turned on stay readable.
      if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[KEY_ID_HEADER]);
      if (keyId !== this.keyId)
        throw new Error(`payload sealed with key ${keyId || '(unnamed)'}, this process has key ${this.keyId}`);
      const bytes = Buffer.from(payload.data ?? new Uint8Array());
      if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const json = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      const sealed = JSON.parse(json) as SealedPayload;
      return {
        metadata: Object.fromEntries(Object.entries(sealed.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(sealed.data, 'base64'),
      };
    });
  }
}

/**
 * The data converter option every Temporal client and worker of hubsync is given (spread into its options):
 * with a payload key, payloads are encrypted and failure messages and stack traces travel inside the encrypted
 * attributes too; without one, Temporal's default.
 */
export function dataConverterOption(config: Pick<Config, 'TEMPORAL_PAYLOAD_KEY'>): { dataConverter?: DataConverter } {
  if (!config.TEMPORAL_PAYLOAD_KEY) return {};
  return {
    dataConverter: {
      payloadCodecs: [new EncryptionCodec(Buffer.from(config.TEMPORAL_PAYLOAD_KEY, 'base64'))],
      failureConverterPath: require.resolve('./failure-converter'),
    },
  };
}
