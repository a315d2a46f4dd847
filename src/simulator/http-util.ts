// HubSpot-shaped replies and errors, shared by every route.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent verbatim instead of JSON-serialising body (the garbage fault, HTML edge pages). */
  raw?: string;
  /** Content-Type of `raw` (default JSON). */
  contentType?: string;
}

export interface ErrorDetail {
  message: string;
  code?: string;
  in?: string;
  context?: Record<string, string[]>;
}

/** A failure HubSpot would answer with its standard error body. */
export class HubSpotError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly extra: { errors?: ErrorDetail[]; context?: Record<string, unknown>; subCategory?: string } = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return {
      status: 'error',
      message: this.message,
      correlationId: randomUUID(),
      category: this.category,
      ...this.extra,
    };
  }
}

export const validation = (message: string, errors?: ErrorDetail[]): HubSpotError =>
  new HubSpotError(400, 'VALIDATION_ERROR', message, errors ? { errors } : {});
export const notFound = (message = 'resource not found'): HubSpotError =>
  new HubSpotError(404, 'OBJECT_NOT_FOUND', message);

export const AUTH_MESSAGE =
  'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview';

export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new HubSpotError(413, 'VALIDATION_ERROR', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJson(raw: string): unknown {
  if (raw === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw validation('Invalid input JSON on line 1: the request body is not valid JSON');
  }
}

export function asObject(value: unknown, what = 'request body'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw validation(`Invalid input JSON: ${what} must be an object`);
  return value as Record<string, unknown>;
}

export function intParam(raw: string | null, fallback: number, name: string): number {
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw validation(`Unable to parse query parameter ${name}: '${raw}' is not a number`);
  return Number(raw);
}

export function boolParam(raw: string | null): boolean {
  return raw === 'true';
}

/** A list query parameter: repeated or comma separated. */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export const iso = (ms: number): string => new Date(ms).toISOString();
