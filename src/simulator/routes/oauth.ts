// HubSpot's OAuth surface: the consent page (app.hubspot.com/oauth/authorize) and the v3 token endpoints
// (api.hubapi.com/oauth/v3/token, /token/introspect, /token/revoke), also under the date version 2026-03 that the v1
// migration guide names as their successor. None of these take a bearer token or count against a portal's budget.
import type { Reply } from '../http-util';
import { OAuthError } from '../oauth';
import type { SimState } from '../state';

const TOKEN_PATHS = new Map([
  ['/oauth/v3/token', 'token'],
  ['/oauth/2026-03/token', 'token'],
  ['/oauth/v3/token/introspect', 'introspect'],
  ['/oauth/2026-03/token/introspect', 'introspect'],
  ['/oauth/v3/token/revoke', 'revoke'],
  ['/oauth/2026-03/token/revoke', 'revoke'],
]);
const AUTHORIZE = /^\/oauth\/(?:(\d+)\/)?authorize$/;

export const isOAuthPath = (path: string): boolean => TOKEN_PATHS.has(path) || AUTHORIZE.test(path);

/** The metrics key of an OAuth call: the token endpoint is split by grant type so tests can count refreshes. */
export function oauthEndpoint(method: string, path: string, raw: string): string {
  const kind = TOKEN_PATHS.get(path);
  if (kind === 'token') return `${method} /oauth/v3/token (${new URLSearchParams(raw).get('grant_type') ?? '?'})`;
  if (kind) return `${method} /oauth/v3/token/${kind}`;
  return `${method} /oauth/authorize`;
}

export function handleOAuth(
  sim: SimState,
  method: string,
  path: string,
  query: URLSearchParams,
  raw: string,
  contentType: string | undefined,
): { reply: Reply; portalId: string | null } {
  const kind = TOKEN_PATHS.get(path);
  if (!kind) {
    if (method !== 'GET')
      return { reply: page(405, 'Method not allowed', 'The authorize page is a GET.'), portalId: null };
    return authorize(sim, AUTHORIZE.exec(path)?.[1], query);
  }
  if (method !== 'POST')
    return { reply: oauthError(new OAuthError('MISSING_PARAMETER', 'invalid_request', 'use POST')), portalId: null };
  // The v3 endpoints take their parameters in a form-encoded body, never in the query (v3 guide).
  if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded'))
    return {
      reply: oauthError(
        new OAuthError(
          'MISSING_PARAMETER',
          'invalid_request',
          'the request body must be application/x-www-form-urlencoded',
        ),
      ),
      portalId: null,
    };
  const params = new URLSearchParams(raw);
  try {
    if (kind === 'token') {
      const body = sim.oauth.token(params);
      return { reply: { status: 200, body, headers: NO_STORE }, portalId: String(body.hub_id) };
    }
    if (kind === 'introspect') {
      const body = sim.oauth.introspect(params);
      return { reply: { status: 200, body }, portalId: body.hub_id === undefined ? null : String(body.hub_id) };
    }
    sim.oauth.revoke(params);
    return { reply: { status: 200 }, portalId: null };
  } catch (err) {
    if (err instanceof OAuthError) return { reply: oauthError(err), portalId: null };
    throw err;
  }
}

const NO_STORE = { 'Cache-Control': 'no-store' };

function oauthError(err: OAuthError): Reply {
  return { status: err.httpStatus, body: err.toBody(), headers: NO_STORE };
}

/**
 * The consent page. Query: client_id, scope (space separated, required), redirect_uri, optional_scope, state, PKCE's
 * code_challenge(+_method). Which account installs: the path's account id (/oauth/{id}/authorize), the simulator's
 * `sim_portal_id`, or the next queued install (POST /__sim/oauth/next-install). The user's answer: `sim_decision`
 * (approve|deny), the queued answer, or `autoApprove`; otherwise the page shows the choices as links.
 */
function authorize(
  sim: SimState,
  pathPortal: string | undefined,
  query: URLSearchParams,
): { reply: Reply; portalId: string | null } {
  const fail = (why: string): { reply: Reply; portalId: null } => ({
    reply: page(400, 'Authorization failed', why),
    portalId: null,
  });
  const clientId = query.get('client_id');
  if (!clientId) return fail('The client_id query parameter is missing.');
  if (clientId !== sim.oauth.config.clientId) return fail(`No app has the client id ${clientId}.`);
  const redirectUri = query.get('redirect_uri');
  if (!redirectUri) return fail('The redirect_uri query parameter is missing.');
  let target: URL;
  try {
    target = new URL(redirectUri);
  } catch {
    return fail('The redirect_uri is not a URL.');
  }
  if (!sim.oauth.redirectAllowed(redirectUri))
    return fail("The redirect_uri does not match any redirect URL in the app's Auth settings.");
  const scopes = (query.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
  if (scopes.length === 0) return fail('The scope query parameter is missing.');
  const optional = (query.get('optional_scope') ?? '').split(/[\s+]+/).filter(Boolean);
  const challengeValue = query.get('code_challenge');
  const method = query.get('code_challenge_method') ?? 'plain';
  if (challengeValue && method !== 'S256' && method !== 'plain')
    return fail('code_challenge_method must be S256 or plain.');
  const state = query.get('state');

  let portalId = pathPortal ?? query.get('sim_portal_id') ?? undefined;
  let decision = query.get('sim_decision');
  if (portalId === undefined && decision === null) {
    const queued = sim.oauth.takeQueuedInstall();
    if (queued) {
      portalId = queued.portalId;
      decision = queued.approve ? 'approve' : 'deny';
    }
  }
  if (decision === 'deny') {
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'The user did not grant access to the app.');
    if (state !== null) target.searchParams.set('state', state);
    return { reply: redirect(target), portalId: portalId ?? null };
  }
  if (portalId !== undefined && !sim.portals.has(portalId)) return fail(`There is no HubSpot account ${portalId}.`);
  if (portalId === undefined || (decision !== 'approve' && !sim.oauth.config.autoApprove))
    return { reply: consentPage(sim, query, portalId, scopes), portalId: portalId ?? null };

  const code = sim.oauth.approve(
    portalId,
    clientId,
    redirectUri,
    [...scopes, ...optional],
    challengeValue ? { value: challengeValue, method: method as 'S256' | 'plain' } : null,
  );
  target.searchParams.set('code', code);
  if (state !== null) target.searchParams.set('state', state);
  return { reply: redirect(target), portalId };
}

function redirect(target: URL): Reply {
  return { status: 302, headers: { Location: target.toString(), ...NO_STORE } };
}

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function page(status: number, title: string, text: string, extra = ''): Reply {
  return {
    status,
    contentType: 'text/html',
    raw: `<!doctype html><html><head><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p>${extra}</body></html>`,
  };
}

function consentPage(sim: SimState, query: URLSearchParams, portalId: string | undefined, scopes: string[]): Reply {
  const link = (id: string, decision: string): string => {
    const q = new URLSearchParams(query);
    q.set('sim_portal_id', id);
    q.set('sim_decision', decision);
    return `/oauth/authorize?${q.toString()}`;
  };
  const accounts = portalId === undefined ? [...sim.portals.keys()] : [portalId];
  const items = accounts
    .map(
      (id) =>
        `<li>Account ${esc(id)}: <a href="${esc(link(id, 'approve'))}">Connect app</a> · <a href="${esc(link(id, 'deny'))}">Cancel</a></li>`,
    )
    .join('');
  return page(200, 'Connect app', `The app asks for: ${scopes.join(', ')}. Choose an account.`, `<ul>${items}</ul>`);
}
