import { HubSpotAuthError, HubSpotNetworkError, HubSpotServerError } from '../hubspot';
import type { InstallationState } from '../store/installations';

// Why a portal's calls cannot be made. A HubSpotAuthError, so Temporal does not retry it (src/temporal/
// hubspot-failures.ts) and a push records its batch in sync_failures with this message; the message names the
// portal, its state and the operator's next step, never a token.

export class InstallationUnavailableError extends HubSpotAuthError {
  constructor(
    readonly portalId: string,
    readonly state: InstallationState | 'not installed',
    reason: string | null,
  ) {
    super('installation unavailable', {
      method: 'AUTH',
      endpoint: 'installation',
      category: 'INSTALLATION_UNAVAILABLE',
    });
    const next =
      state === 'broken' || state === 'uninstalled' || state === 'not installed'
        ? ': install the app again (hubsync portals install-url)'
        : '';
    this.message = `HubSpot portal ${portalId} is ${state}${reason ? ` (${reason})` : ''}${next}`;
  }
}

/** A refresh HubSpot did not answer (5xx, network): retried like any HubSpot outage. */
export function transientRefreshError(portalId: string, message: string, status: number | 'network'): Error {
  const init = { method: 'POST', endpoint: '/oauth/v3/token', category: 'TOKEN_REFRESH' };
  const text = `token refresh of portal ${portalId} failed: ${message}`;
  return status === 'network'
    ? new HubSpotNetworkError(text, init, false, undefined)
    : new HubSpotServerError(text, { ...init, status });
}
