// The payload codec seals what Temporal stores: round trip, no plaintext on the wire, tampering and a foreign
// key refused by name, older unencrypted payloads still readable, a bad key refused at start-up.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ConfigError, parseConfig } from '../../src/config';
import {
  dataConverterOption,
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  payloadKeyId,
} from '../../src/temporal/payload-codec';

const person = { email: 'ada.private@example.com', firstname: 'Ada' };
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (payload: Payload) =>
  Buffer.from(payload.data ?? []).toString('latin1') + JSON.stringify(payload.metadata);

describe('EncryptionCodec', () => {
  const key = randomBytes(32);
  const codec = new EncryptionCodec(key);

  it('round-trips payloads, sealed as binary/encrypted with no plaintext and a fresh IV each time', async () => {
    const [sealed, again] = await codec.encode([plain(person), plain(person)]);
    expect(Buffer.from(sealed!.metadata!.encoding!).toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed!.metadata!['encryption-key-id']!).toString()).toBe(payloadKeyId(key));
    expect(text(sealed!)).not.toContain('ada.private');
    expect(text(sealed!)).not.toContain('json/plain');
    expect(Buffer.from(sealed!.data!).equals(Buffer.from(again!.data!))).toBe(false);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(person);
  });

  it('refuses a tampered payload and one sealed with another key (naming both keys, never the key itself)', async () => {
    const [sealed] = await codec.encode([plain(person)]);
    const tampered = Buffer.from(sealed!.data!);
    tampered[20] = tampered[20]! ^ 0xff;
    await expect(codec.decode([{ ...sealed!, data: tampered }])).rejects.toThrow(/unable to authenticate|auth/i);
    const other = new EncryptionCodec(randomBytes(32));
    const failure = await other.decode([sealed!]).then(
      () => undefined,
      (err: Error) => err.message,
    );
    expect(failure).toContain(payloadKeyId(key));
    expect(failure).not.toContain(key.toString('base64'));
  });

  it('passes unencrypted payloads through on decode (history written before the key was set)', async () => {
    const [decoded] = await codec.decode([plain(person)]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(person);
  });

  it('is only used when TEMPORAL_PAYLOAD_KEY is set, and a malformed key stops start-up without being echoed', () => {
    expect(dataConverterOption(parseConfig({})).dataConverter).toBeUndefined();
    const converter = dataConverterOption(parseConfig({ TEMPORAL_PAYLOAD_KEY: key.toString('base64') })).dataConverter;
    expect(converter?.payloadCodecs).toHaveLength(1);
    expect(converter?.failureConverterPath).toMatch(/failure-converter/);
    const short = randomBytes(16).toString('base64');
    const error = (() => {
      try {
        parseConfig({ TEMPORAL_PAYLOAD_KEY: short });
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('TEMPORAL_PAYLOAD_KEY');
    expect(problems).toContain('32 bytes');
    expect(problems).not.toContain(short);
  });
});
