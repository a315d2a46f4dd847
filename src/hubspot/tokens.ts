// Where the client gets its bearer token. Private apps have one static token; public-app installations get
// theirs from src/installations/oauth-token-provider.ts (per portal, refreshed), without the client changing.

export interface TokenProvider {
  getAccessToken(portalId: string): Promise<string>;
  /**
   * HubSpot answered 401 to `rejected`: a provider that can get another token returns it and the request is
   * sent once more; undefined = no other token (the 401 is final).
   */
  refreshAfterUnauthorized?(portalId: string, rejected: string): Promise<string | undefined>;
}

export class StaticTokenProvider implements TokenProvider {
  readonly #token: string;

  constructor(token: string) {
    if (!token) throw new Error('StaticTokenProvider needs a non-empty token');
    this.#token = token;
  }

  getAccessToken(_portalId: string): Promise<string> {
    return Promise.resolve(this.#token);
  }

  /** Keeps the token out of accidental JSON.stringify / util.inspect of the provider. */
  toJSON(): Record<string, string> {
    return { type: 'StaticTokenProvider' };
  }
}
