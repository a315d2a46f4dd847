// HubSpot's webhook request signatures (v1, v2, v3) as its documentation describes them.
import { createHash, createHmac } from 'node:crypto';

export type SignatureVersion = 'v1' | 'v2' | 'v3';

// v3 hashes the uri after URL-decoding exactly these sequences.
const V3_DECODED: Record<string, string> = {
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

export function decodeV3Uri(uri: string): string {
  return uri.replace(/%3A|%2F|%3F|%40|%21|%24|%27|%28|%29|%2A|%2C|%3B/g, (seq) => V3_DECODED[seq] ?? seq);
}

export function signatureHeaders(
  version: SignatureVersion,
  secret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  if (version === 'v1') {
    return {
      'X-HubSpot-Signature': createHash('sha256')
        .update(secret + body)
        .digest('hex'),
      'X-HubSpot-Signature-Version': 'v1',
    };
  }
  if (version === 'v2') {
    return {
      'X-HubSpot-Signature': createHash('sha256')
        .update(secret + method + uri + body)
        .digest('hex'),
      'X-HubSpot-Signature-Version': 'v2',
    };
  }
  const signature = createHmac('sha256', secret)
    .update(method + decodeV3Uri(uri) + body + String(timestamp))
    .digest('base64');
  return { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) };
}
