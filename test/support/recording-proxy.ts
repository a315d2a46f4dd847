// A real HTTP hop between hubsync and the HubSpot simulator: records every request exactly as hubsync sent
// it (method, path, query, parsed JSON body) so tests assert on the wire, and lets a test answer a request
// itself the way HubSpot's documentation says HubSpot answers (a 477 with Retry-After, an HTML 502).
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The full request target as sent, query included. */
  url: string;
  body: unknown;
  /** When the request arrived (epoch ms). */
  at: number;
  /** The bearer token sent (tests that check which portal's token made which request). */
  token?: string;
}

export interface InjectedResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** Returns a response to send instead of forwarding, or undefined to forward to the simulator. */
export type Interceptor = (request: RecordedRequest) => InjectedResponse | undefined;

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose method and path match, in order. */
  sent(method: string, path: RegExp): RecordedRequest[];
  intercept(interceptor: Interceptor | undefined): void;
  close(): Promise<void>;
}

function forwardedHeaders(headers: IncomingHttpHeaders, length: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name === 'host' || name === 'content-length' || name === 'connection') continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  out['content-length'] = String(length);
  return out;
}

export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = new URL(targetUrl);
  const requests: RecordedRequest[] = [];
  let interceptor: Interceptor | undefined;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = req.url ?? '/';
      let body: unknown;
      try {
        body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        body = raw.toString('utf8');
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.split('?')[0]!,
        url,
        body,
        at: Date.now(),
        ...(req.headers.authorization?.startsWith('Bearer ') ? { token: req.headers.authorization.slice(7) } : {}),
      };
      requests.push(recorded);
      const injected = interceptor?.(recorded);
      if (injected) {
        res.writeHead(injected.status, { 'content-type': 'application/json', ...injected.headers });
        res.end(injected.body);
        return;
      }
      const upstream = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: url,
          headers: forwardedHeaders(req.headers, raw.length),
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sent: (method, path) => requests.filter((r) => r.method === method && path.test(r.path)),
    intercept: (next) => (interceptor = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
