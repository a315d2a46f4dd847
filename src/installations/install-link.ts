import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';
import { authorizeUrl, pkcePair } from '../hubspot/oauth';
import { consumeOAuthState, saveOAuthState } from '../store/installations';
import type { Db } from '../store/prisma';
import type { TokenCipher } from './token-crypto';

// Install links: HubSpot's authorize URL with a `state` that is signed (HMAC-SHA256 with a key derived from the
// app's client secret), expires (HUBSPOT_OAUTH_STATE_TTL_MS) and is single use (its row in oauth_states is
// deleted by the callback that presents it). With PKCE the code_verifier waits in that row, encrypted.

export type InstallLinkConfig = Pick<
  Config,
  | 'HUBSPOT_CLIENT_ID'
  | 'HUBSPOT_CLIENT_SECRET'
  | 'HUBSPOT_OAUTH_REDIRECT_URL'
  | 'HUBSPOT_OAUTH_AUTHORIZE_URL'
  | 'HUBSPOT_OAUTH_SCOPES'
  | 'HUBSPOT_OAUTH_OPTIONAL_SCOPES'
  | 'HUBSPOT_OAUTH_PKCE'
  | 'HUBSPOT_OAUTH_STATE_TTL_MS'
>;

const PKCE_PURPOSE = 'pkce_verifier';

function stateKey(clientSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', clientSecret, 'hubsync', 'oauth-state-v1', 32));
}

function sign(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

export async function createInstallLink(
  db: Db,
  cipher: TokenCipher,
  config: InstallLinkConfig,
  now = Date.now(),
): Promise<{ url: string; expiresAt: Date }> {
  if (!config.HUBSPOT_CLIENT_ID || !config.HUBSPOT_OAUTH_REDIRECT_URL)
    throw new Error('install links need HUBSPOT_CLIENT_ID and HUBSPOT_OAUTH_REDIRECT_URL (HUBSPOT_APP_MODE=public)');
  const nonce = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now + config.HUBSPOT_OAUTH_STATE_TTL_MS);
  const pkce = config.HUBSPOT_OAUTH_PKCE ? pkcePair() : undefined;
  await saveOAuthState(db, nonce, pkce ? cipher.encrypt(pkce.verifier, PKCE_PURPOSE) : null, expiresAt);
  const body = `${nonce}.${expiresAt.getTime().toString(36)}`;
  const state = `${body}.${sign(stateKey(config.HUBSPOT_CLIENT_SECRET), body)}`;
  const url = authorizeUrl({
    authorizeUrl: config.HUBSPOT_OAUTH_AUTHORIZE_URL,
    clientId: config.HUBSPOT_CLIENT_ID,
    redirectUri: config.HUBSPOT_OAUTH_REDIRECT_URL,
    scopes: config.HUBSPOT_OAUTH_SCOPES,
    optionalScopes: config.HUBSPOT_OAUTH_OPTIONAL_SCOPES,
    state,
    ...(pkce ? { codeChallenge: pkce.challenge } : {}),
  });
  return { url, expiresAt };
}

export type StateCheck = { ok: true; codeVerifier?: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

/** Checks a callback's state and consumes it: a second presentation of the same state is `used`. */
export async function takeInstallState(
  db: Db,
  cipher: TokenCipher,
  clientSecret: string,
  state: string | undefined,
  now = Date.now(),
): Promise<StateCheck> {
  const parts = (state ?? '').split('.');
  if (parts.length !== 3) return { ok: false, reason: 'invalid' };
  const [nonce, expiry, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(stateKey(clientSecret), `${nonce}.${expiry}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  const taken = await consumeOAuthState(db, nonce);
  if (parseInt(expiry, 36) <= now || (taken.found && taken.expired)) return { ok: false, reason: 'expired' };
  if (!taken.found) return { ok: false, reason: 'used' };
  return taken.codeVerifier
    ? { ok: true, codeVerifier: cipher.decrypt(taken.codeVerifier, PKCE_PURPOSE) }
    : { ok: true };
}
