import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from '../config';

// The one description of how hubsync reaches Temporal: the worker's NativeConnection, the server's and the
// CLI's Connection are all opened with these options, so a cluster that requires TLS, mutual TLS or an API
// key (Temporal Cloud) is configured once.

export type TemporalConnectionConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CA_FILE'
  | 'TEMPORAL_TLS_CERT_FILE'
  | 'TEMPORAL_TLS_KEY_FILE'
  | 'TEMPORAL_TLS_SERVER_NAME'
  | 'TEMPORAL_API_KEY'
>;

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

function readPem(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Whether the connection is encrypted: asked for, or implied by a CA, a client certificate or an API key. */
export function temporalUsesTls(config: TemporalConnectionConfig): boolean {
  if (config.TEMPORAL_TLS !== undefined) return config.TEMPORAL_TLS;
  return Boolean(config.TEMPORAL_TLS_CA_FILE || config.TEMPORAL_TLS_CERT_FILE || config.TEMPORAL_API_KEY);
}

/** Reads the certificate files now, so a missing file fails at start naming its variable. */
export function temporalConnectionOptions(config: TemporalConnectionConfig): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: config.TEMPORAL_ADDRESS };
  if (temporalUsesTls(config)) {
    const tls: TLSConfig = {};
    if (config.TEMPORAL_TLS_CA_FILE)
      tls.serverRootCACertificate = readPem('TEMPORAL_TLS_CA_FILE', config.TEMPORAL_TLS_CA_FILE);
    if (config.TEMPORAL_TLS_CERT_FILE && config.TEMPORAL_TLS_KEY_FILE) {
      tls.clientCertPair = {
        crt: readPem('TEMPORAL_TLS_CERT_FILE', config.TEMPORAL_TLS_CERT_FILE),
        key: readPem('TEMPORAL_TLS_KEY_FILE', config.TEMPORAL_TLS_KEY_FILE),
      };
    }
    if (config.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = config.TEMPORAL_TLS_SERVER_NAME;
    options.tls = tls;
  }
  if (config.TEMPORAL_API_KEY) options.apiKey = config.TEMPORAL_API_KEY;
  return options;
}
