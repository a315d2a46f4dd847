import { createHash, randomBytes } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';

// HubSpot's OAuth v3 endpoints (https://developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide; spec:
// HubSpot-public-api-spec-collection PublicApiSpecs/Auth/Oauth/Rollouts/279897/v3/oauth.json): every parameter in
// a form-encoded body, never in the URL. POST /oauth/v3/token (authorization_code with optional PKCE
// code_verifier, refresh_token), POST /oauth/v3/token/introspect (token metadata: the hub id), POST
// /oauth/v3/token/revoke (uninstall). A plain HTTP client: no store, no Temporal. Errors carry HubSpot's
// `error` / `error_description` (RFC 6749) or `status` / `message`, never a token or the client secret.

export interface OAuthAppCredentials {
  /** https://api.hubapi.com, or the simulator. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

export interface TokenSet {
  accessToken: string;
  /** HubSpot may rotate it; absent = keep the one used. */
  refreshToken?: string;
  expiresInSeconds: number;
  hubId?: string;
  scopes?: string[];
}

export interface TokenMetadata {
  active: boolean;
  hubId?: string;
  hubDomain?: string;
  appId?: string;
  scopes: string[];
  expiresInSeconds?: number;
}

/**
 * `refused`: HubSpot answered and said no (invalid_grant, BAD_REFRESH_TOKEN, a 4xx): asking again will not
 * help, the installation is broken. Otherwise (5xx, 429, network) the same call may succeed later.
 */
export class HubSpotOAuthError extends Error {
  override readonly name = 'HubSpotOAuthError';
  constructor(
    message: string,
    readonly refused: boolean,
    readonly status: number | 'network',
    readonly code?: string,
  ) {
    super(message);
  }
}

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const scopeList = z.union([z.array(z.string()), z.string().transform((s) => s.split(/\s+/).filter(Boolean))]);

// snake_case per RFC 6749 and HubSpot's reference; camelCase variants appear in some of HubSpot's pages.
const tokenResponse = z
  .object({
    access_token: z.string().min(1).optional(),
    accessToken: z.string().min(1).optional(),
    refresh_token: z.string().min(1).optional(),
    refreshToken: z.string().min(1).optional(),
    expires_in: z.coerce.number().int().positive().optional(),
    expiresIn: z.coerce.number().int().positive().optional(),
    hub_id: id.optional(),
    hubId: id.optional(),
    scopes: scopeList.optional(),
    scope: scopeList.optional(),
  })
  .transform((r, ctx) => {
    const accessToken = r.access_token ?? r.accessToken;
    const expiresInSeconds = r.expires_in ?? r.expiresIn;
    if (!accessToken || !expiresInSeconds) {
      ctx.addIssue({ code: 'custom', message: 'no access_token / expires_in' });
      return z.NEVER;
    }
    const refreshToken = r.refresh_token ?? r.refreshToken;
    const hubId = r.hub_id ?? r.hubId;
    const scopes = r.scopes ?? r.scope;
    return {
      accessToken,
      expiresInSeconds,
      ...(refreshToken ? { refreshToken } : {}),
      ...(hubId ? { hubId } : {}),
      ...(scopes ? { scopes } : {}),
    } satisfies TokenSet;
  });

const introspectResponse = z
  .object({
    active: z.boolean(),
    hub_id: id.optional(),
    hubId: id.optional(),
    hub_domain: z.string().optional(),
    app_id: id.optional(),
    scopes: scopeList.optional(),
    scope: scopeList.optional(),
    expires_in: z.coerce.number().int().optional(),
  })
  .transform((r): TokenMetadata => ({
    active: r.active,
    scopes: r.scopes ?? r.scope ?? [],
    ...((r.hub_id ?? r.hubId) ? { hubId: r.hub_id ?? r.hubId } : {}),
    ...(r.hub_domain ? { hubDomain: r.hub_domain } : {}),
    ...(r.app_id ? { appId: r.app_id } : {}),
    ...(r.expires_in !== undefined ? { expiresInSeconds: r.expires_in } : {}),
  }));

/** PKCE (RFC 7636): a verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The URL a HubSpot user is sent to, to install the app into one of their accounts. */
export function authorizeUrl(opts: {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  optionalScopes?: readonly string[];
  state: string;
  codeChallenge?: string;
}): string {
  const url = new URL(opts.authorizeUrl);
  url.searchParams.set('client_id', opts.clientId);
  url.searchParams.set('redirect_uri', opts.redirectUri);
  url.searchParams.set('scope', opts.scopes.join(' '));
  if (opts.optionalScopes && opts.optionalScopes.length > 0)
    url.searchParams.set('optional_scope', opts.optionalScopes.join(' '));
  url.searchParams.set('state', opts.state);
  if (opts.codeChallenge) {
    url.searchParams.set('code_challenge', opts.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

export class HubSpotOAuthClient {
  readonly #http: AxiosInstance;
  readonly #clientId: string;
  readonly #clientSecret: string;

  constructor(opts: OAuthAppCredentials) {
    this.#clientId = opts.clientId;
    this.#clientSecret = opts.clientSecret;
    this.#http = axios.create({
      baseURL: opts.baseUrl.replace(/\/+$/, ''),
      timeout: opts.timeoutMs ?? 15_000,
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  exchangeCode(code: string, redirectUri: string, codeVerifier?: string): Promise<TokenSet> {
    return this.#post('/oauth/v3/token', 'code exchange', tokenResponse, [code, codeVerifier], {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      ...(codeVerifier ? { code_verifier: codeVerifier } : {}),
    });
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.#post('/oauth/v3/token', 'token refresh', tokenResponse, [refreshToken], {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  }

  introspect(token: string, hint: 'access_token' | 'refresh_token' = 'access_token'): Promise<TokenMetadata> {
    return this.#post('/oauth/v3/token/introspect', 'token introspection', introspectResponse, [token], {
      token,
      token_type_hint: hint,
    });
  }

  async revoke(refreshToken: string): Promise<void> {
    await this.#post('/oauth/v3/token/revoke', 'token revocation', z.unknown(), [refreshToken], {
      token: refreshToken,
      token_type_hint: 'refresh_token',
    });
  }

  async #post<T>(
    path: string,
    what: string,
    schema: z.ZodType<T>,
    secrets: Array<string | undefined>,
    params: Record<string, string>,
  ): Promise<T> {
    const hide = [...secrets, this.#clientSecret].filter((s): s is string => Boolean(s));
    const scrub = (text: string) => hide.reduce((t, s) => t.split(s).join('[redacted]'), text);
    const body = new URLSearchParams({ client_id: this.#clientId, client_secret: this.#clientSecret, ...params });
    let response;
    try {
      response = await this.#http.post(path, body.toString());
    } catch (err) {
      // Only the code: the axios error holds the request body (the secret).
      const code = axios.isAxiosError(err) ? err.code : undefined;
      throw new HubSpotOAuthError(`HubSpot ${what}: network failure${code ? ` (${code})` : ''}`, false, 'network');
    }
    if (response.status >= 200 && response.status < 300) {
      const parsed = schema.safeParse(response.data ?? {});
      if (parsed.success) return parsed.data;
      throw new HubSpotOAuthError(
        `HubSpot ${what}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        false,
        response.status,
      );
    }
    const data = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as Record<
      string,
      unknown
    >;
    const code = [data.error, data.status, data.category].find((v): v is string => typeof v === 'string');
    const text = [data.error_description, data.message].find((v): v is string => typeof v === 'string');
    const refused = response.status >= 400 && response.status < 500 && response.status !== 429;
    throw new HubSpotOAuthError(
      scrub(
        `HubSpot ${what} refused (${response.status}${code ? ` ${code}` : ''})${text ? `: ${text.slice(0, 300)}` : ''}`,
      ),
      refused,
      response.status,
      code,
    );
  }
}
