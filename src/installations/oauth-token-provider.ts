import type { TokenProvider } from '../hubspot';
import { HubSpotOAuthError, type HubSpotOAuthClient } from '../hubspot/oauth';
import type { Logger } from '../logger';
import {
  findInstallation,
  lockInstallation,
  saveRefreshed,
  setInstallationState,
  type InstallationRow,
} from '../store/installations';
import type { PrismaClient } from '../store/prisma';
import { InstallationUnavailableError, transientRefreshError } from './errors';
import type { TokenCipher } from './token-crypto';

// Access tokens of public-app installations. Each process keeps the current token per portal in memory; one
// that is about to expire (HUBSPOT_TOKEN_REFRESH_MARGIN_MS) is refreshed under a row lock on the installation
// (SELECT … FOR UPDATE), re-reading the row once it holds the lock: of all the worker and server processes that
// find the token old at once, the first refreshes and the others take what it stored. In a process, concurrent
// callers share one load. A refresh HubSpot refuses marks the installation broken (onBroken pauses its
// schedule); its calls then fail with InstallationUnavailableError until it is installed again.

export interface OAuthTokenProviderDeps {
  prisma: PrismaClient;
  cipher: TokenCipher;
  oauth: Pick<HubSpotOAuthClient, 'refresh'>;
  refreshMarginMs: number;
  /** How long a cached token is used without reading the installation's state again (INSTALLATIONS_CACHE_MS). */
  recheckMs: number;
  logger?: Logger;
  onRefresh?: (portalId: string, outcome: 'refreshed' | 'refused' | 'failed') => void;
  onBroken?: (portalId: string, reason: string) => Promise<void>;
  now?: () => number;
}

export const ACCESS_PURPOSE = 'access_token';
export const REFRESH_PURPOSE = 'refresh_token';

export class OAuthTokenProvider implements TokenProvider {
  readonly #cache = new Map<string, { token: string; expiresAt: number; readAt: number }>();
  readonly #loading = new Map<string, Promise<string>>();

  constructor(private readonly deps: OAuthTokenProviderDeps) {}

  getAccessToken(portalId: string): Promise<string> {
    const cached = this.#cache.get(portalId);
    // The row is read again every recheckMs, so a portal broken or removed by another process stops here too.
    if (cached && this.#fresh(cached.expiresAt) && this.#now() - cached.readAt < this.deps.recheckMs)
      return Promise.resolve(cached.token);
    return this.#once(portalId, () => this.#load(portalId, undefined));
  }

  refreshAfterUnauthorized(portalId: string, rejected: string): Promise<string | undefined> {
    if (this.#cache.get(portalId)?.token === rejected) this.#cache.delete(portalId);
    return this.#once(portalId, () => this.#load(portalId, rejected));
  }

  /** Forget a portal's token (uninstall, pause): the next call reads the installation again. */
  forget(portalId: string): void {
    this.#cache.delete(portalId);
  }

  toJSON(): Record<string, string> {
    return { type: 'OAuthTokenProvider' };
  }

  #now(): number {
    return (this.deps.now ?? Date.now)();
  }

  #fresh(expiresAt: number): boolean {
    return expiresAt - this.deps.refreshMarginMs > this.#now();
  }

  #once(portalId: string, load: () => Promise<string>): Promise<string> {
    const running = this.#loading.get(portalId);
    if (running) return running;
    const promise = load().finally(() => this.#loading.delete(portalId));
    this.#loading.set(portalId, promise);
    return promise;
  }

  /** The stored access token if it is fresh and not the one HubSpot just refused. */
  #usable(row: InstallationRow, rejected: string | undefined): string | undefined {
    if (!row.accessToken || !row.accessTokenExpiresAt || !this.#fresh(row.accessTokenExpiresAt.getTime()))
      return undefined;
    const token = this.deps.cipher.decrypt(row.accessToken, ACCESS_PURPOSE);
    return token === rejected ? undefined : token;
  }

  async #load(portalId: string, rejected: string | undefined): Promise<string> {
    const row = usable(portalId, await findInstallation(this.deps.prisma, portalId));
    const stored = this.#usable(row, rejected);
    if (stored) return this.#remember(portalId, stored, row.accessTokenExpiresAt!);
    return this.#refresh(portalId, rejected);
  }

  async #refresh(portalId: string, rejected: string | undefined): Promise<string> {
    const { prisma, cipher, oauth } = this.deps;
    let refusal: string | undefined;
    const outcome = await prisma.$transaction(
      async (tx) => {
        await lockInstallation(tx, portalId);
        const row = usable(portalId, await findInstallation(tx, portalId));
        const stored = this.#usable(row, rejected);
        if (stored) return { token: stored, expiresAt: row.accessTokenExpiresAt! }; // another process refreshed
        const refreshToken = cipher.decrypt(row.refreshToken!, REFRESH_PURPOSE);
        try {
          const set = await oauth.refresh(refreshToken);
          const expiresAt = new Date(this.#now() + set.expiresInSeconds * 1000);
          await saveRefreshed(tx, portalId, {
            accessToken: cipher.encrypt(set.accessToken, ACCESS_PURPOSE),
            accessTokenExpiresAt: expiresAt,
            tokenKeyId: cipher.currentKeyId,
            // Re-encrypted with the current key even when HubSpot keeps the same refresh token (key rotation).
            refreshToken: cipher.encrypt(set.refreshToken ?? refreshToken, REFRESH_PURPOSE),
          });
          this.deps.onRefresh?.(portalId, 'refreshed');
          return { token: set.accessToken, expiresAt };
        } catch (err) {
          if (!(err instanceof HubSpotOAuthError)) throw err;
          if (!err.refused) {
            this.deps.onRefresh?.(portalId, 'failed');
            throw transientRefreshError(portalId, err.message, err.status);
          }
          refusal = `token refresh refused by HubSpot: ${err.code ?? err.status}`;
          await setInstallationState(tx, portalId, 'broken', refusal);
          this.deps.onRefresh?.(portalId, 'refused');
          return undefined;
        }
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    if (!outcome) {
      this.#cache.delete(portalId);
      this.deps.logger?.error({ portalId, reason: refusal }, 'installation broken: HubSpot refused the refresh token');
      await this.deps
        .onBroken?.(portalId, refusal!)
        .catch((err: unknown) =>
          this.deps.logger?.error({ portalId, err: (err as Error).message }, 'could not pause the broken installation'),
        );
      throw new InstallationUnavailableError(portalId, 'broken', refusal!);
    }
    return this.#remember(portalId, outcome.token, outcome.expiresAt);
  }

  #remember(portalId: string, token: string, expiresAt: Date): string {
    this.#cache.set(portalId, { token, expiresAt: expiresAt.getTime(), readAt: this.#now() });
    return token;
  }
}

/** Paused installations keep their tokens (pause stops scheduled work only); broken and removed ones do not. */
function usable(portalId: string, row: InstallationRow | undefined): InstallationRow {
  if (!row) throw new InstallationUnavailableError(portalId, 'not installed', null);
  if (row.state === 'broken' || row.state === 'uninstalled' || !row.refreshToken)
    throw new InstallationUnavailableError(portalId, row.state, row.stateReason);
  return row;
}
