// What a Temporal cluster that requires mutual TLS looks like, for tests: a throwaway CA (openssl), a server
// certificate for 127.0.0.1, client certificates, and a TLS-terminating TCP proxy in front of the plain dev
// server (the dev server has no TLS options). gRPC is HTTP/2, so relaying the decrypted bytes is enough.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';

export interface CertFiles {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate signed by another CA: the server must refuse it. */
  strangerCert: string;
  strangerKey: string;
  cleanup(): void;
}

const openssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function issue(dir: string, name: string, subject: string, ca: string, extensions: string): void {
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    subject,
    '-out',
    `${name}.csr`,
  );
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

function selfSignedCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/CN=${name}`,
  );
}

export function generateCerts(): CertFiles {
  const dir = mkdtempSync(join(tmpdir(), 'hubsync-tls-'));
  selfSignedCa(dir, 'ca');
  selfSignedCa(dir, 'stranger-ca');
  issue(
    dir,
    'server',
    '/CN=temporal.test',
    'ca',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:temporal.test\nextendedKeyUsage=serverAuth\n',
  );
  issue(dir, 'client', '/CN=hubsync', 'ca', 'extendedKeyUsage=clientAuth\n');
  issue(dir, 'stranger', '/CN=stranger', 'stranger-ca', 'extendedKeyUsage=clientAuth\n');
  const file = (name: string) => join(dir, name);
  return {
    dir,
    caFile: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    strangerCert: file('stranger.crt'),
    strangerKey: file('stranger.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsProxy {
  address: string;
  /** Client certificates' subjects of the connections the proxy accepted (each one verified against the CA). */
  acceptedClients: string[];
  close(): Promise<void>;
}

/** Requires a client certificate signed by the CA (mutual TLS), then relays to the plain `upstream` host:port. */
export async function startMutualTlsProxy(certs: CertFiles, upstream: string): Promise<TlsProxy> {
  const [host, port] = upstream.split(':');
  const acceptedClients: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(
    {
      key: readFileSync(certs.serverKey),
      cert: readFileSync(certs.serverCert),
      ca: readFileSync(certs.caFile),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (tlsSocket: TLSSocket) => {
      acceptedClients.push(String(tlsSocket.getPeerCertificate().subject?.CN));
      const upstreamSocket = connect(Number(port), host ?? '127.0.0.1');
      for (const s of [tlsSocket, upstreamSocket]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      tlsSocket.pipe(upstreamSocket).pipe(tlsSocket);
      tlsSocket.on('close', () => upstreamSocket.destroy());
      upstreamSocket.on('close', () => tlsSocket.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    acceptedClients,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
