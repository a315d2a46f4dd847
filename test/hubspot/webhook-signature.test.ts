import { createHmac } from 'node:crypto';
import {
  SIGNATURE_MAX_AGE_MS,
  computeSignature,
  decodeV3Uri,
  publicRequestUri,
  signatureHeaders,
  verifyWebhookSignature,
} from '../../src/hubspot/webhook-signature';

// HubSpot's "Validating requests" documentation examples (v1 and v2 publish their expected hashes).
const DOC_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const DOC_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';

const secret = 'test-client-secret';
const uri = 'https://hooks.example.com/webhooks/hubspot?portal=1';
const body = Buffer.from('[{"eventId":7,"objectId":42,"propertyValue":"Zoë"}]');
const now = 1_750_000_000_000;

describe('HubSpot webhook signatures', () => {
  it('v1 matches the documented example hash', () => {
    expect(computeSignature('v1', DOC_SECRET, { method: 'POST', uri: '', rawBody: Buffer.from(DOC_BODY) })).toBe(
      '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
    );
  });

  it('v2 matches the documented GET example hash', () => {
    expect(
      computeSignature('v2', DOC_SECRET, {
        method: 'GET',
        uri: 'https://www.example.com/webhook_uri',
        rawBody: Buffer.alloc(0),
      }),
    ).toBe('eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e');
  });

  it('v3 is base64 HMAC-SHA256 of method + decoded uri + body + timestamp', () => {
    const expected = createHmac('sha256', secret)
      .update(`POST${uri}${body.toString('utf8')}${now}`)
      .digest('base64');
    expect(computeSignature('v3', secret, { method: 'POST', uri, rawBody: body }, String(now))).toBe(expected);
  });

  it('v3 decodes exactly the documented %XX sequences in the uri, and nothing else', () => {
    expect(decodeV3Uri('https://h.example/p%3Aa%2Fb%3Fc%40d%21e%24f%27g%28h%29i%2Aj%2Ck%3Bl')).toBe(
      "https://h.example/p:a/b?c@d!e$f'g(h)i*j,k;l",
    );
    expect(decodeV3Uri('https://h.example/a%20b%26c%3D%25')).toBe('https://h.example/a%20b%26c%3D%25');
    const encoded = 'https://hooks.example.com/webhooks/hubspot?next=%2Fa%3Ab';
    const headers = signatureHeaders(
      'v3',
      secret,
      { method: 'POST', uri: 'https://hooks.example.com/webhooks/hubspot?next=/a:b', rawBody: body },
      now,
    );
    expect(
      verifyWebhookSignature(
        { method: 'POST', uri: encoded, rawBody: body, headers },
        { version: 'v3', clientSecret: secret, now },
      ),
    ).toEqual({ valid: true });
  });

  it.each(['v1', 'v2', 'v3'] as const)(
    '%s: accepts a correct signature and rejects a tampered body or wrong secret',
    (version) => {
      const headers = signatureHeaders(version, secret, { method: 'POST', uri, rawBody: body }, now);
      const verify = (rawBody: Buffer, clientSecret = secret) =>
        verifyWebhookSignature({ method: 'POST', uri, rawBody, headers }, { version, clientSecret, now });
      expect(verify(body)).toEqual({ valid: true });
      expect(verify(Buffer.from(body.toString().replace('42', '43')))).toEqual({
        valid: false,
        reason: 'bad-signature',
      });
      expect(verify(body, 'another-secret')).toEqual({ valid: false, reason: 'bad-signature' });
    },
  );

  it('v2/v3 sign the uri: another path or query does not verify', () => {
    for (const version of ['v2', 'v3'] as const) {
      const headers = signatureHeaders(version, secret, { method: 'POST', uri, rawBody: body }, now);
      const other = verifyWebhookSignature(
        { method: 'POST', uri: `${uri}&x=1`, rawBody: body, headers },
        { version, clientSecret: secret, now },
      );
      expect(other).toEqual({ valid: false, reason: 'bad-signature' });
    }
  });

  it('v3 refuses a timestamp more than 5 minutes away, either side, and a changed timestamp', () => {
    const headers = signatureHeaders('v3', secret, { method: 'POST', uri, rawBody: body }, now);
    const at = (clock: number) =>
      verifyWebhookSignature(
        { method: 'POST', uri, rawBody: body, headers },
        { version: 'v3', clientSecret: secret, now: clock },
      );
    expect(at(now + SIGNATURE_MAX_AGE_MS)).toEqual({ valid: true });
    expect(at(now + SIGNATURE_MAX_AGE_MS + 1)).toEqual({ valid: false, reason: 'stale-timestamp' });
    expect(at(now - SIGNATURE_MAX_AGE_MS - 1)).toEqual({ valid: false, reason: 'stale-timestamp' });
    const moved = { ...headers, 'x-hubspot-request-timestamp': String(now + 1) };
    expect(
      verifyWebhookSignature(
        { method: 'POST', uri, rawBody: body, headers: moved },
        { version: 'v3', clientSecret: secret, now },
      ),
    ).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('reports missing headers, malformed signatures and a version mismatch', () => {
    const request = { method: 'POST', uri, rawBody: body };
    expect(verifyWebhookSignature({ ...request, headers: {} }, { version: 'v3', clientSecret: secret, now })).toEqual({
      valid: false,
      reason: 'missing-signature',
    });
    expect(
      verifyWebhookSignature(
        { ...request, headers: { 'x-hubspot-signature-v3': 'abc' } },
        { version: 'v3', clientSecret: secret, now },
      ),
    ).toEqual({
      valid: false,
      reason: 'missing-timestamp',
    });
    expect(
      verifyWebhookSignature(
        { ...request, headers: { 'x-hubspot-signature': 'zz' } },
        { version: 'v1', clientSecret: secret, now },
      ),
    ).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    const v1 = signatureHeaders('v1', secret, request, now);
    expect(verifyWebhookSignature({ ...request, headers: v1 }, { version: 'v2', clientSecret: secret, now })).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('builds the signed uri from the public URL and the request path + query', () => {
    expect(publicRequestUri('https://hooks.example.com/ignored/path', '/webhooks/hubspot?a=1')).toBe(
      'https://hooks.example.com/webhooks/hubspot?a=1',
    );
    expect(publicRequestUri('https://127.0.0.1:8443/webhooks/hubspot', '/webhooks/hubspot')).toBe(
      'https://127.0.0.1:8443/webhooks/hubspot',
    );
  });
});
