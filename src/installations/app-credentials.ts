import { parseTokenKeys, type Config } from '../config';
import { HubSpotOAuthClient } from '../hubspot/oauth';
import { TokenCipher } from './token-crypto';

// The public app's credentials as the runtime and the CLI use them.

export function tokenCipher(config: Pick<Config, 'HUBSPOT_TOKEN_KEYS'>): TokenCipher {
  if (!config.HUBSPOT_TOKEN_KEYS) throw new Error('HUBSPOT_TOKEN_KEYS is not set (HUBSPOT_APP_MODE=public)');
  return new TokenCipher(parseTokenKeys(config.HUBSPOT_TOKEN_KEYS));
}

export function oauthClient(
  config: Pick<
    Config,
    | 'HUBSPOT_OAUTH_BASE_URL'
    | 'HUBSPOT_BASE_URL'
    | 'HUBSPOT_CLIENT_ID'
    | 'HUBSPOT_CLIENT_SECRET'
    | 'HUBSPOT_REQUEST_TIMEOUT_MS'
  >,
): HubSpotOAuthClient {
  if (!config.HUBSPOT_CLIENT_ID) throw new Error('HUBSPOT_CLIENT_ID is not set (HUBSPOT_APP_MODE=public)');
  return new HubSpotOAuthClient({
    baseUrl: config.HUBSPOT_OAUTH_BASE_URL ?? config.HUBSPOT_BASE_URL,
    clientId: config.HUBSPOT_CLIENT_ID,
    clientSecret: config.HUBSPOT_CLIENT_SECRET,
    timeoutMs: config.HUBSPOT_REQUEST_TIMEOUT_MS,
  });
}
