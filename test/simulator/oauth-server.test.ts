// The OAuth server's rules with a given clock: code lifetime and single use, token lifetime, refresh, revocation.
import { OAuthError, OAuthServer } from '../../src/simulator/oauth';

const SECRET = 'app-secret';
const REDIRECT = 'https://app.example.com/oauth/callback';

function server(): OAuthServer {
  return new OAuthServer(
    { clientId: 'cid', accessTokenTtlSeconds: 1800, authCodeTtlSeconds: 600 },
    () => ({ appId: '77', clientSecret: SECRET }),
    () => 555,
  );
}

const form = (o: Record<string, string>): URLSearchParams => new URLSearchParams(o);
const exchange = (code: string, extra: Record<string, string> = {}): URLSearchParams =>
  form({
    grant_type: 'authorization_code',
    client_id: 'cid',
    client_secret: SECRET,
    redirect_uri: REDIRECT,
    code,
    ...extra,
  });

function refused(fn: () => unknown): OAuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OAuthError) return err;
    throw err;
  }
  throw new Error('expected an OAuth refusal');
}

describe('OAuthServer', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');

  it('exchanges a code once, before it expires, and only with the redirect URI it was issued for', () => {
    const s = server();
    const code = s.approve('2001', 'cid', REDIRECT, ['crm.objects.contacts.read'], null, t0);
    expect(refused(() => s.token(exchange(code, { redirect_uri: 'https://evil.example.com/' }), t0)).code).toBe(
      'BAD_REDIRECT_URI',
    );
    const tokens = s.token(exchange(code), t0 + 1000);
    expect(tokens).toMatchObject({ hub_id: 2001, expires_in: 1800, token_type: 'bearer', user_id: 555 });
    const again = refused(() => s.token(exchange(code), t0 + 2000));
    expect([again.code, again.error, again.httpStatus]).toEqual(['BAD_AUTH_CODE', 'invalid_grant', 400]);

    const late = s.approve('2001', 'cid', REDIRECT, ['x'], null, t0);
    expect(refused(() => s.token(exchange(late), t0 + 600_000)).code).toBe('BAD_AUTH_CODE');
  });

  it('lets an access token live accessTokenTtlSeconds, then refreshes with the same refresh token', () => {
    const s = server();
    const tokens = s.token(exchange(s.approve('2001', 'cid', REDIRECT, ['x'], null, t0)), t0);
    const access = tokens.access_token as string;
    expect(s.authenticate(access, t0 + 1_799_999)).toMatchObject({ portalId: '2001' });
    expect(s.authenticate(access, t0 + 1_800_000)).toBe('expired');
    expect(s.expiredAgoMs(access, t0 + 1_800_000 + 120_000)).toBe(120_000);
    const refreshed = s.token(
      form({
        grant_type: 'refresh_token',
        client_id: 'cid',
        client_secret: SECRET,
        refresh_token: tokens.refresh_token as string,
      }),
      t0 + 1_800_000,
    );
    expect(refreshed.refresh_token).toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(access);
    expect(s.authenticate(refreshed.access_token as string, t0 + 1_800_001)).toMatchObject({ portalId: '2001' });
  });

  it('checks the PKCE verifier against an S256 challenge', () => {
    const s = server();
    // RFC 7636 appendix B's pair.
    const challenge = { value: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', method: 'S256' as const };
    const code = s.approve('2001', 'cid', REDIRECT, ['x'], challenge, t0);
    expect(refused(() => s.token(exchange(code, { code_verifier: 'wrong' }), t0)).code).toBe('BAD_AUTH_CODE');
    expect(s.token(exchange(code, { code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk' }), t0).hub_id).toBe(
      2001,
    );
  });

  it('refuses a wrong client, a missing parameter and an unknown grant with distinct codes', () => {
    const s = server();
    const code = s.approve('2001', 'cid', REDIRECT, ['x'], null, t0);
    expect(refused(() => s.token(exchange(code, { client_secret: 'nope' }), t0)).code).toBe('BAD_CLIENT_SECRET');
    expect(refused(() => s.token(exchange(code, { client_id: 'other' }), t0)).error).toBe('invalid_client');
    expect(refused(() => s.token(form({ grant_type: 'password' }), t0)).error).toBe('unsupported_grant_type');
    const missing = refused(() =>
      s.token(form({ grant_type: 'authorization_code', client_id: 'cid', client_secret: SECRET }), t0),
    );
    expect([missing.error, missing.message]).toEqual(['invalid_request', 'missing code']);
    // The failed attempts did not use the code up.
    expect(s.token(exchange(code), t0).hub_id).toBe(2001);
  });

  it('revoking a refresh token leaves issued access tokens alive; an uninstall ends them all', () => {
    const s = server();
    const a = s.token(exchange(s.approve('2001', 'cid', REDIRECT, ['x'], null, t0)), t0);
    const b = s.token(exchange(s.approve('2002', 'cid', REDIRECT, ['x'], null, t0)), t0);
    s.revoke(form({ client_id: 'cid', client_secret: SECRET, token: a.refresh_token as string }));
    const refresh = form({
      grant_type: 'refresh_token',
      client_id: 'cid',
      client_secret: SECRET,
      refresh_token: a.refresh_token as string,
    });
    const err = refused(() => s.token(refresh, t0));
    expect(err.toBody()).toMatchObject({
      status: 'BAD_REFRESH_TOKEN',
      error: 'invalid_grant',
      error_description: 'refresh token is invalid, expired or revoked',
    });
    expect(s.authenticate(a.access_token as string, t0)).toMatchObject({ portalId: '2001' });
    expect(s.installs.has('2001')).toBe(true);

    expect(s.uninstall('2002')).toEqual({ refreshTokens: 1, accessTokens: 1 });
    expect(s.authenticate(b.access_token as string, t0)).toBeUndefined();
    expect(s.installs.has('2002')).toBe(false);
    expect(s.authenticate(a.access_token as string, t0)).toMatchObject({ portalId: '2001' });
  });

  it('introspects access and refresh tokens, and answers active: false for anything else', () => {
    const s = server();
    const t = s.token(exchange(s.approve('2001', 'cid', REDIRECT, ['crm.objects.contacts.read'], null, t0)), t0);
    const ask = (token: string, now = t0 + 60_000): Record<string, unknown> =>
      s.introspect(form({ client_id: 'cid', client_secret: SECRET, token }), now);
    expect(ask(t.access_token as string)).toMatchObject({
      active: true,
      token_use: 'access_token',
      hub_id: 2001,
      app_id: 77,
      client_id: 'cid',
      scopes: ['crm.objects.contacts.read'],
      expires_in: 1740,
    });
    expect(ask(t.refresh_token as string)).toMatchObject({ active: true, token_use: 'refresh_token', hub_id: 2001 });
    expect(ask('nothing')).toEqual({ active: false });
    expect(ask(t.access_token as string, t0 + 1_800_000)).toEqual({ active: false });
  });
});
