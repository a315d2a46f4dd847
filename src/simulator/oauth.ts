// HubSpot's OAuth for one public app installed in many portals: authorization codes, access and refresh tokens,
// installs and uninstalls. Sources (FIDELITY.md, "OAuth"): the v3 OAuth guide
// https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide, the v3 and 2026-03 OpenAPI specs
// (HubSpot-public-api-spec-collection PublicApiSpecs/Auth/Oauth/Rollouts/279897/{v3,2026-03}/oauth.json) and the
// changelog https://developers.hubspot.com/changelog/new-oauth-v3-api-endpoints-and-standardized-error-responses.
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export interface OAuthOptions {
  /** The app's client id (its client secret is the webhook `clientSecret`: one secret signs and authenticates). */
  clientId?: string;
  /** Redirect URLs set in the app's Auth settings; null accepts any (the simulator's default, for test servers). */
  redirectUris?: string[] | null;
  /** Access-token lifetime; HubSpot's is 30 minutes ("expires_in" 1800). */
  accessTokenTtlSeconds?: number;
  /** How long a code can be exchanged: HubSpot says "a short window" without a figure; RFC 6749 §4.1.2 advises 10 min. */
  authCodeTtlSeconds?: number;
  /** Approve the consent page as soon as the account is known (no click). */
  autoApprove?: boolean;
}

export type OAuthConfig = Required<OAuthOptions>;

export const OAUTH_DEFAULTS: OAuthConfig = {
  clientId: 'sim-client-id-demo',
  redirectUris: null,
  accessTokenTtlSeconds: 1800,
  authCodeTtlSeconds: 600,
  autoApprove: false,
};

interface AuthCode {
  portalId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  challenge: { value: string; method: 'S256' | 'plain' } | null;
}

export interface AccessToken {
  token: string;
  portalId: string;
  scopes: string[];
  userId: number;
  issuedAt: number;
  expiresAt: number;
  /** Set when the account uninstalled the app: the token is refused at once. */
  revoked: boolean;
}

interface RefreshToken {
  portalId: string;
  clientId: string;
  scopes: string[];
  userId: number;
}

export interface Install {
  portalId: string;
  scopes: string[];
  installedAt: number;
  userId: number;
}

export type OAuthErrorCode =
  | 'BAD_GRANT_TYPE'
  | 'BAD_CLIENT_ID'
  | 'BAD_CLIENT_SECRET'
  | 'BAD_AUTH_CODE'
  | 'BAD_REDIRECT_URI'
  | 'BAD_REFRESH_TOKEN'
  | 'MISSING_PARAMETER';

/** An OAuth refusal: RFC 6749 `error`/`error_description` beside HubSpot's `status`/`message` (v3 changelog). */
export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly error: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return {
      status: this.code,
      message: this.message,
      error: this.error,
      error_description: this.message,
      correlationId: randomUUID(),
    };
  }
}

// Bounds so a long run never grows without end: expired entries go first, then the oldest.
const MAX_CODES = 10_000;
const MAX_ACCESS_TOKENS = 100_000;

export class OAuthServer {
  config: OAuthConfig;
  private codes = new Map<string, AuthCode>();
  private access = new Map<string, AccessToken>();
  private refresh = new Map<string, RefreshToken>();
  readonly installs = new Map<string, Install>();
  /** Accounts (and the user's answer) that the next consent pages without an account pick, first in first out. */
  private nextInstalls: Array<{ portalId: string; approve: boolean }> = [];

  constructor(
    options: OAuthOptions,
    private readonly app: () => { appId: string; clientSecret: string },
    private readonly userOf: (portalId: string) => number,
  ) {
    this.config = { ...OAUTH_DEFAULTS, ...definedOnly(options) };
  }

  configure(options: OAuthOptions): void {
    this.config = { ...this.config, ...definedOnly(options) };
  }

  get appId(): string {
    return this.app().appId;
  }

  queueInstall(portalId: string, approve: boolean): void {
    if (this.nextInstalls.length >= 1000) throw new Error('at most 1000 queued installs');
    this.nextInstalls.push({ portalId, approve });
  }

  takeQueuedInstall(): { portalId: string; approve: boolean } | undefined {
    return this.nextInstalls.shift();
  }

  queuedInstalls(): number {
    return this.nextInstalls.length;
  }

  redirectAllowed(uri: string): boolean {
    return this.config.redirectUris === null || this.config.redirectUris.includes(uri);
  }

  /** The user approved: the app is installed in the account and a single-use code is minted. */
  approve(
    portalId: string,
    clientId: string,
    redirectUri: string,
    scopes: string[],
    challenge: AuthCode['challenge'],
    now = Date.now(),
  ): string {
    const userId = this.userOf(portalId);
    const existing = this.installs.get(portalId);
    const granted = [...new Set([...(existing?.scopes ?? []), ...scopes])];
    this.installs.set(portalId, { portalId, scopes: granted, installedAt: existing?.installedAt ?? now, userId });
    if (this.codes.size >= MAX_CODES) this.sweepCodes(now);
    const code = randomUUID();
    this.codes.set(code, {
      portalId,
      clientId,
      redirectUri,
      scopes,
      expiresAt: now + this.config.authCodeTtlSeconds * 1000,
      used: false,
      challenge,
    });
    return code;
  }

  private checkClient(params: URLSearchParams): void {
    const clientId = params.get('client_id');
    if (!clientId) throw new OAuthError('MISSING_PARAMETER', 'invalid_request', 'missing client_id');
    if (clientId !== this.config.clientId)
      throw new OAuthError('BAD_CLIENT_ID', 'invalid_client', 'missing or invalid client_id');
    const secret = params.get('client_secret');
    if (!secret) throw new OAuthError('MISSING_PARAMETER', 'invalid_request', 'missing client_secret');
    if (secret !== this.app().clientSecret)
      throw new OAuthError('BAD_CLIENT_SECRET', 'invalid_client', 'missing or invalid client_secret');
  }

  /** POST /oauth/v3/token: `authorization_code` or `refresh_token`. */
  token(params: URLSearchParams, now = Date.now()): Record<string, unknown> {
    const grant = params.get('grant_type');
    if (!grant) throw new OAuthError('MISSING_PARAMETER', 'invalid_request', 'missing grant_type');
    if (grant !== 'authorization_code' && grant !== 'refresh_token')
      throw new OAuthError('BAD_GRANT_TYPE', 'unsupported_grant_type', `unsupported grant_type ${grant}`);
    this.checkClient(params);
    if (grant === 'authorization_code') return this.exchangeCode(params, now);
    const value = params.get('refresh_token');
    const rt = value ? this.refresh.get(value) : undefined;
    if (!value || !rt || rt.clientId !== this.config.clientId)
      throw new OAuthError('BAD_REFRESH_TOKEN', 'invalid_grant', 'refresh token is invalid, expired or revoked');
    // HubSpot's refresh tokens are long-lived and do not rotate: the same one comes back.
    return this.issue(rt.portalId, rt.scopes, rt.userId, value, now);
  }

  private exchangeCode(params: URLSearchParams, now: number): Record<string, unknown> {
    const value = params.get('code');
    if (!value) throw new OAuthError('MISSING_PARAMETER', 'invalid_request', 'missing code');
    const code = this.codes.get(value);
    if (!code || code.used || code.expiresAt <= now || code.clientId !== this.config.clientId)
      throw new OAuthError('BAD_AUTH_CODE', 'invalid_grant', 'missing or unknown auth code');
    const redirectUri = params.get('redirect_uri');
    if (redirectUri !== code.redirectUri)
      throw new OAuthError(
        'BAD_REDIRECT_URI',
        'invalid_grant',
        'redirect_uri does not match the redirect_uri of the authorization request',
      );
    if (code.challenge) {
      const verifier = params.get('code_verifier') ?? '';
      const derived =
        code.challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!verifier || derived !== code.challenge.value)
        throw new OAuthError('BAD_AUTH_CODE', 'invalid_grant', 'code_verifier does not match the code_challenge');
    }
    code.used = true;
    const refresh = randomUUID();
    this.refresh.set(refresh, {
      portalId: code.portalId,
      clientId: code.clientId,
      scopes: code.scopes,
      userId: this.userOf(code.portalId),
    });
    return this.issue(code.portalId, code.scopes, this.userOf(code.portalId), refresh, now);
  }

  private issue(
    portalId: string,
    scopes: string[],
    userId: number,
    refreshToken: string,
    now: number,
  ): Record<string, unknown> {
    if (this.access.size >= MAX_ACCESS_TOKENS) this.sweepAccess(now);
    const token = `sim-at-${randomBytes(32).toString('base64url')}`;
    const ttl = this.config.accessTokenTtlSeconds;
    this.access.set(token, {
      token,
      portalId,
      scopes,
      userId,
      issuedAt: now,
      expiresAt: now + ttl * 1000,
      revoked: false,
    });
    return {
      token_type: 'bearer',
      token_use: 'access_token',
      access_token: token,
      refresh_token: refreshToken,
      expires_in: ttl,
      hub_id: Number(portalId),
      scopes,
      user_id: userId,
    };
  }

  /** Resolves a bearer token for the API: the token, or why it is refused. */
  authenticate(token: string, now = Date.now()): AccessToken | 'expired' | undefined {
    const t = this.access.get(token);
    if (!t || t.revoked) return undefined;
    return t.expiresAt <= now ? 'expired' : t;
  }

  expiredAgoMs(token: string, now = Date.now()): number {
    const t = this.access.get(token);
    return t ? Math.max(0, now - t.expiresAt) : 0;
  }

  /** POST /oauth/v3/token/introspect: `{ active: false }` for what is unknown, expired or revoked (RFC 7662 §2.2). */
  introspect(params: URLSearchParams, now = Date.now()): Record<string, unknown> {
    this.checkClient(params);
    const value = params.get('token');
    if (!value) throw new OAuthError('MISSING_PARAMETER', 'invalid_request', 'missing token');
    const appId = Number(this.appId);
    const hint = params.get('token_type_hint');
    const at = hint === 'refresh_token' ? undefined : this.access.get(value);
    if (at) {
      if (at.revoked || at.expiresAt <= now) return { active: false };
      return {
        token_use: 'access_token',
        active: true,
        token: value,
        token_type: 'bearer',
        hub_id: Number(at.portalId),
        hub_domain: hubDomain(at.portalId),
        user_id: at.userId,
        user: userEmail(at.portalId),
        client_id: this.config.clientId,
        app_id: appId,
        scopes: at.scopes,
        expires_in: Math.floor((at.expiresAt - now) / 1000),
        is_private_distribution: false,
        signed_access_token: {
          appId,
          hubId: Number(at.portalId),
          userId: at.userId,
          installingUserId: at.userId,
          expiresAt: at.expiresAt,
          scopes: at.scopes.join(' '),
          isPrivateDistribution: false,
          isServiceAccount: false,
          isUserLevel: false,
          hublet: 'na1',
        },
      };
    }
    const rt = this.refresh.get(value);
    if (!rt) return { active: false };
    return {
      token_use: 'refresh_token',
      active: true,
      token: value,
      token_type: 'refresh',
      hub_id: Number(rt.portalId),
      hub_domain: hubDomain(rt.portalId),
      user_id: rt.userId,
      user: userEmail(rt.portalId),
      client_id: rt.clientId,
      app_id: appId,
      scopes: rt.scopes,
    };
  }

  /**
   * POST /oauth/v3/token/revoke deletes a refresh token. As HubSpot's refresh-token deletion says, access tokens
   * already issued keep working until they expire and the app stays installed. Unknown tokens answer 200 too
   * (RFC 7009 §2.2).
   */
  revoke(params: URLSearchParams): void {
    this.checkClient(params);
    const value = params.get('token');
    if (!value) throw new OAuthError('MISSING_PARAMETER', 'invalid_request', 'missing token');
    this.refresh.delete(value);
  }

  /** The account's admin uninstalls the app in HubSpot: every token of the app for that account stops at once. */
  uninstall(portalId: string): { refreshTokens: number; accessTokens: number } {
    let refreshTokens = 0;
    let accessTokens = 0;
    for (const [k, v] of this.refresh)
      if (v.portalId === portalId) {
        this.refresh.delete(k);
        refreshTokens++;
      }
    for (const v of this.access.values())
      if (v.portalId === portalId && !v.revoked) {
        v.revoked = true;
        accessTokens++;
      }
    this.installs.delete(portalId);
    return { refreshTokens, accessTokens };
  }

  /** Ends the life of every live access token (of one account) now: a test's "30 minutes later". */
  expireAccessTokens(portalId: string | null, now = Date.now()): number {
    let n = 0;
    for (const t of this.access.values())
      if ((portalId === null || t.portalId === portalId) && !t.revoked && t.expiresAt > now) {
        t.expiresAt = now;
        n++;
      }
    return n;
  }

  /** Counts for the admin view (no token values). */
  summary(now = Date.now()): Record<string, unknown> {
    let live = 0;
    for (const t of this.access.values()) if (!t.revoked && t.expiresAt > now) live++;
    return {
      ...this.config,
      appId: this.appId,
      installs: [...this.installs.values()].map((i) => ({ ...i, installedAt: new Date(i.installedAt).toISOString() })),
      liveAccessTokens: live,
      refreshTokens: this.refresh.size,
      queuedInstalls: this.nextInstalls.length,
    };
  }

  reset(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
    this.installs.clear();
    this.nextInstalls = [];
  }

  private sweepCodes(now: number): void {
    for (const [k, c] of this.codes) if (c.used || c.expiresAt <= now) this.codes.delete(k);
    while (this.codes.size >= MAX_CODES) this.codes.delete(this.codes.keys().next().value as string);
  }

  private sweepAccess(now: number): void {
    for (const [k, t] of this.access) if (t.revoked || t.expiresAt <= now - 3_600_000) this.access.delete(k);
    while (this.access.size >= MAX_ACCESS_TOKENS) this.access.delete(this.access.keys().next().value as string);
  }
}

export const hubDomain = (portalId: string): string => `portal-${portalId}.hubspot-simulator.test`;
const userEmail = (portalId: string): string => `admin@portal-${portalId}.example.com`;

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
