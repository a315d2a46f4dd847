// Shared pieces of the hostile-input suites: a Temporal client that counts what it is asked to start or
// signal (the spy-free proof that a refused request started nothing), raw HTTP/1.1 over a socket for what
// inject() and fetch() cannot express, and the shape every refusal must have.
import { connect } from 'node:net';
import type { Client } from '@temporalio/client';

export interface CountingTemporal {
  client: Client;
  /** signalWithStart calls that reached Temporal, newest last (workflow ids). */
  signalled: string[];
  /** When set, every signalWithStart and connection check fails as if Temporal were down. */
  down: boolean;
}

/** Wraps a real client: signalWithStart is counted (and refused while `down`), everything else passes through. */
export function countingTemporal(real: Client): CountingTemporal {
  const state: CountingTemporal = { client: real, signalled: [], down: false };
  const workflow = new Proxy(real.workflow, {
    get(target, property, receiver) {
      if (property !== 'signalWithStart') return Reflect.get(target, property, receiver) as unknown;
      return async (workflowTypeOrFunc: unknown, options: { workflowId: string }) => {
        state.signalled.push(options.workflowId);
        if (state.down) throw new Error('14 UNAVAILABLE: connection refused (simulated)');
        return (target.signalWithStart as (...args: unknown[]) => Promise<unknown>).call(
          target,
          workflowTypeOrFunc,
          options,
        );
      };
    },
  });
  const connection = new Proxy(real.connection, {
    get(target, property, receiver) {
      if (property !== 'ensureConnected') return Reflect.get(target, property, receiver) as unknown;
      return async () => {
        if (state.down) throw new Error('14 UNAVAILABLE: connection refused (simulated)');
        return target.ensureConnected();
      };
    },
  });
  state.client = new Proxy(real, {
    get(target, property, receiver) {
      if (property === 'workflow') return workflow;
      if (property === 'connection') return connection;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return state;
}

export interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/** Sends `head` + `body` exactly as given over a fresh TCP connection and reads the whole answer. */
export function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => {
      // The server may answer (e.g. 413) and close before it read everything we sent.
      if (chunks.length > 0) finish();
      else reject(err);
    });
    socket.on('end', finish);
    let done = false;
    function finish(): void {
      if (done) return;
      done = true;
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      let bodyText = split < 0 ? '' : text.slice(split + 4);
      if (/transfer-encoding: chunked/i.test(text.slice(0, split))) bodyText = dechunk(bodyText);
      resolve({
        status,
        headers: split < 0 ? text : text.slice(0, split),
        body: Buffer.from(bodyText, 'latin1').toString('utf8'),
      });
    }
    socket.write(head.replace(/\n/g, '\r\n').replace(/\r\r\n/g, '\r\n') + '\r\n');
    // No half-close: Node's HTTP server drops a connection whose client ended before an async handler answered.
    socket.write(body);
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}

/** A refusal: 4xx, JSON, with a non-empty human-readable message. Returns the message. */
export function refusalMessage(status: number, body: string): string {
  if (status < 400 || status >= 500) throw new Error(`expected a 4xx refusal, got ${status}: ${body.slice(0, 300)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`refusal ${status} is not JSON: ${body.slice(0, 300)}`);
  }
  const message = (parsed as { message?: unknown }).message;
  if (typeof message !== 'string' || message.trim() === '')
    throw new Error(`refusal ${status} has no message: ${body.slice(0, 300)}`);
  return message;
}
