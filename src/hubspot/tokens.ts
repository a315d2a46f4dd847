// Where the client gets its bearer token. Private apps have one static token; an OAuth installation would
// implement the same interface with per-portal refresh, without the client changing.

export interface TokenProvider {
  getAccessToken(portalId: string): Promise<string>;
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
