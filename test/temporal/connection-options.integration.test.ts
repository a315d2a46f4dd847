// hubsync against a Temporal frontend that requires mutual TLS (a TLS-terminating proxy in front of the dev
// server): the API server's client, the worker (a push runs end to end through it) and the CLI connect with the
// TEMPORAL_TLS_* settings, and a client without a certificate, or with one from another CA, is refused. The
// API key travels as `authorization: Bearer …` (seen by an HTTP/2 server standing in for Temporal Cloud).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createSecureServer, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { checkTemporal, createTemporalClient } from '../../src/temporal/client';
import { parseConfig } from '../../src/config';
import { temporalConnectionOptions } from '../../src/temporal/connection-options';
import { pushWorkflowId } from '../../src/workflow-safe/ids';
import { runHubsync, stackEnv } from '../cli/spawn-cli';
import { temporalAddress } from '../support/env';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/wait';
import { generateCerts, startMutualTlsProxy, type CertFiles, type TlsProxy } from '../support/tls';

jest.setTimeout(120_000);

describe('Temporal over mutual TLS', () => {
  let certs: CertFiles;
  let proxy: TlsProxy;
  let tlsEnv: Record<string, string>;

  beforeAll(async () => {
    certs = generateCerts();
    proxy = await startMutualTlsProxy(certs, temporalAddress());
    tlsEnv = {
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_TLS_CA_FILE: certs.caFile,
      TEMPORAL_TLS_CERT_FILE: certs.clientCert,
      TEMPORAL_TLS_KEY_FILE: certs.clientKey,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
    };
  });

  afterAll(async () => {
    await proxy?.close();
    certs?.cleanup();
  });

  it("the API server's client connects with the client certificate", async () => {
    const temporal = createTemporalClient(parseConfig(tlsEnv));
    try {
      await checkTemporal(temporal.connection, 10_000);
      expect(proxy.acceptedClients).toContain('hubsync');
    } finally {
      await temporal.connection.close();
    }
  });

  it('refuses a client without a certificate, one from another CA, and one without TLS', async () => {
    const accepted = proxy.acceptedClients.length;
    const attempt = (env: Record<string, string>) =>
      Connection.connect({ ...temporalConnectionOptions(parseConfig(env)), connectTimeout: 3_000 }).then(
        async (c) => {
          await c.close();
          return 'connected';
        },
        (err: Error) => err.message,
      );
    const noCert = await attempt({ ...tlsEnv, TEMPORAL_TLS_CERT_FILE: '', TEMPORAL_TLS_KEY_FILE: '' });
    const stranger = await attempt({
      ...tlsEnv,
      TEMPORAL_TLS_CERT_FILE: certs.strangerCert,
      TEMPORAL_TLS_KEY_FILE: certs.strangerKey,
    });
    const plain = await attempt({ TEMPORAL_ADDRESS: proxy.address });
    expect([noCert, stranger, plain]).not.toContain('connected');
    const native = await NativeConnection.connect(
      temporalConnectionOptions(parseConfig({ ...tlsEnv, TEMPORAL_TLS_CERT_FILE: '', TEMPORAL_TLS_KEY_FILE: '' })),
    ).then(
      async (c) => {
        await c.close();
        return 'connected';
      },
      (err: Error) => err.message,
    );
    expect(native).not.toBe('connected');
    expect(proxy.acceptedClients.length).toBe(accepted);
  });

  it('a missing certificate file stops the process naming its variable', () => {
    expect(() =>
      temporalConnectionOptions(parseConfig({ ...tlsEnv, TEMPORAL_TLS_CA_FILE: '/nonexistent/ca.pem' })),
    ).toThrow(/^TEMPORAL_TLS_CA_FILE: cannot read \/nonexistent\/ca.pem/);
    expect(() => parseConfig({ TEMPORAL_TLS_CERT_FILE: certs.clientCert })).toThrow(
      /TEMPORAL_TLS_KEY_FILE: mutual TLS/,
    );
  });

  describe('the worker and the CLI', () => {
    let stack: Stack;
    let acceptedAtStackStart = 0;
    beforeAll(async () => {
      const before = proxy.acceptedClients.length;
      stack = await startStack({ env: { ...tlsEnv, PUSH_BATCH_WINDOW_MS: '50' } });
      acceptedAtStackStart = proxy.acceptedClients.length - before;
    });
    afterAll(async () => stack?.close());

    it('a push runs to HubSpot through the TLS connection of the client and of the worker', async () => {
      const contact = await stack.runtime.prisma.contact.create({
        data: { portalId: stack.portalId, email: `tls-${stack.portalId}@tls.example`, firstName: 'Tls' },
      });
      const posted = await fetch(`${stack.appUrl}/platform/changes`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${stack.runtime.config.PLATFORM_API_KEY}`,
        },
        body: JSON.stringify({ changes: [{ objectType: 'contacts', localId: contact.id }] }),
      });
      expect(posted.status).toBe(202);
      const hubspotId = await waitFor(
        'the contact pushed to HubSpot',
        async () =>
          (await stack.runtime.prisma.contact.findUnique({ where: { id: contact.id } }))?.hubspotId ?? undefined,
      );
      expect(hubspotId).toMatch(/^\d+$/);
      const run = await stack.temporal.workflow.getHandle(pushWorkflowId(stack.portalId, 'contacts')).describe();
      expect(run.type).toBe('pushWorkflow');
      // The proxy is the only way to this Temporal: the stack's client and worker opened their connections there.
      expect(stack.runtime.config.TEMPORAL_ADDRESS).toBe(proxy.address);
      expect(acceptedAtStackStart).toBeGreaterThanOrEqual(2);
    });

    it('the CLI connects with the same settings', async () => {
      const env = { ...stackEnv(stack), ...tlsEnv };
      const ok = await runHubsync(env, 'schedule', 'ensure');
      expect(ok.err).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.out).toContain(`hourly-sync:${stack.portalId}`);
      const refused = await runHubsync(
        { ...env, TEMPORAL_TLS_CERT_FILE: '', TEMPORAL_TLS_KEY_FILE: '' },
        'schedule',
        'ensure',
      );
      expect(refused.code).not.toBe(0);
      await stack.temporal.schedule.getHandle(`hourly-sync:${stack.portalId}`).delete();
    });
  });
});

describe('Temporal API keys', () => {
  it('are sent as a bearer token over TLS, by the client and the worker connection', async () => {
    const certs = generateCerts();
    const seen: IncomingHttpHeaders[] = [];
    const server = createSecureServer({ key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert) });
    server.on('stream', (stream, headers) => {
      seen.push(headers);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'no' });
      stream.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      TEMPORAL_TLS_CA_FILE: certs.caFile,
      TEMPORAL_API_KEY: 'tmprl-test-api-key',
    };
    try {
      const options = temporalConnectionOptions(parseConfig(env));
      await Connection.connect({ ...options, connectTimeout: 3_000 }).then(
        (c) => c.close(),
        () => undefined,
      );
      await NativeConnection.connect(options).then(
        (c) => c.close(),
        () => undefined,
      );
      const authorizations = seen.map((h) => h.authorization);
      expect(authorizations.length).toBeGreaterThanOrEqual(2);
      expect(new Set(authorizations)).toEqual(new Set(['Bearer tmprl-test-api-key']));
    } finally {
      server.close();
      certs.cleanup();
    }
  });
});
