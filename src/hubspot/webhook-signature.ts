// Verification of HubSpot's webhook request signatures (v1, v2, v3), written from HubSpot's "Validating
// requests" documentation. Always over the raw request bytes: re-serialised JSON would not hash the same.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookSignatureVersion = 'v1' | 'v2' | 'v3';

/** HubSpot: reject a v3 request whose timestamp is more than 5 minutes from now (replay protection). */
export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** The full public URI HubSpot called: scheme + host + path + query (see publicRequestUri). */
  uri: string;
  rawBody: Buffer;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface VerifyOptions {
  version: WebhookSignatureVersion;
  clientSecret: string;
  now?: number;
  maxAgeMs?: number;
}

export type SignatureRejection = 'missing-signature' | 'missing-timestamp' | 'stale-timestamp' | 'bad-signature';
export type SignatureVerdict = { valid: true } | { valid: false; reason: SignatureRejection };

// v3 hashes the uri after URL-decoding exactly these sequences (HubSpot lists them); nothing else is decoded.
const V3_DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
const V3_DECODE_PATTERN = new RegExp(Object.keys(V3_DECODED).join('|'), 'g');

export function decodeV3Uri(uri: string): string {
  return uri.replace(V3_DECODE_PATTERN, (sequence) => V3_DECODED[sequence] ?? sequence);
}

/**
 * The uri HubSpot signed: the configured public URL's scheme and host (HubSpot calls https, usually through a
 * TLS proxy, so the Host this process sees is not the one HubSpot signed) + the request's own path and query.
 */
export function publicRequestUri(publicUrl: string, requestUrl: string): string {
  const { protocol, host } = new URL(publicUrl);
  return `${protocol}//${host}${requestUrl}`;
}

/** The signature HubSpot would send for this request: hex for v1/v2, base64 for v3. */
export function computeSignature(
  version: WebhookSignatureVersion,
  clientSecret: string,
  request: Omit<SignedRequest, 'headers'>,
  timestamp?: string,
): string {
  const method = request.method.toUpperCase();
  if (version === 'v1') return createHash('sha256').update(clientSecret).update(request.rawBody).digest('hex');
  if (version === 'v2')
    return createHash('sha256')
      .update(clientSecret + method + request.uri)
      .update(request.rawBody)
      .digest('hex');
  return createHmac('sha256', clientSecret)
    .update(method + decodeV3Uri(request.uri))
    .update(request.rawBody)
    .update(timestamp ?? '')
    .digest('base64');
}

/** The headers HubSpot sends with a signed request (for tests and benchmarks that play HubSpot). */
export function signatureHeaders(
  version: WebhookSignatureVersion,
  clientSecret: string,
  request: Omit<SignedRequest, 'headers'>,
  now = Date.now(),
): Record<string, string> {
  if (version === 'v3') {
    const timestamp = String(now);
    return {
      'x-hubspot-signature-v3': computeSignature('v3', clientSecret, request, timestamp),
      'x-hubspot-request-timestamp': timestamp,
    };
  }
  return {
    'x-hubspot-signature': computeSignature(version, clientSecret, request),
    'x-hubspot-signature-version': version,
  };
}

export function verifyWebhookSignature(request: SignedRequest, options: VerifyOptions): SignatureVerdict {
  const { version, clientSecret } = options;
  if (version === 'v3') {
    const signature = header(request.headers, 'x-hubspot-signature-v3');
    if (!signature) return { valid: false, reason: 'missing-signature' };
    const timestamp = header(request.headers, 'x-hubspot-request-timestamp');
    if (!timestamp) return { valid: false, reason: 'missing-timestamp' };
    const at = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (
      !Number.isFinite(at) ||
      Math.abs((options.now ?? Date.now()) - at) > (options.maxAgeMs ?? SIGNATURE_MAX_AGE_MS)
    ) {
      return { valid: false, reason: 'stale-timestamp' };
    }
    // Node's base64 decoder skips junk and stops at padding, so "<valid>, <anything>" (duplicated headers joined
    // by Node) would decode to the valid digest: accept only the canonical 44-character form of 32 bytes.
    if (!/^[A-Za-z0-9+/]{43}=$/.test(signature)) return { valid: false, reason: 'bad-signature' };
    const expected = Buffer.from(computeSignature('v3', clientSecret, request, timestamp), 'base64');
    return sameBytes(Buffer.from(signature, 'base64'), expected)
      ? { valid: true }
      : { valid: false, reason: 'bad-signature' };
  }
  const signature = header(request.headers, 'x-hubspot-signature');
  if (!signature) return { valid: false, reason: 'missing-signature' };
  // A request signed with another version than the one configured cannot match; say so as a bad signature.
  const announced = header(request.headers, 'x-hubspot-signature-version');
  if (announced !== undefined && announced.toLowerCase() !== version) return { valid: false, reason: 'bad-signature' };
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return { valid: false, reason: 'bad-signature' };
  const expected = Buffer.from(computeSignature(version, clientSecret, request), 'hex');
  return sameBytes(Buffer.from(signature, 'hex'), expected)
    ? { valid: true }
    : { valid: false, reason: 'bad-signature' };
}

function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first.trim();
}

// Lengths are public (a SHA-256 digest is 32 bytes); only the content comparison must not leak timing.
function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
