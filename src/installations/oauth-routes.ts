import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config';
import { HubSpotOAuthError, type HubSpotOAuthClient } from '../hubspot/oauth';
import { saveInstalled } from '../store/installations';
import type { PrismaClient } from '../store/prisma';
import { documentedOnly, openApiSchema } from '../http/openapi';
import { createInstallLink, takeInstallState, type InstallLinkConfig } from './install-link';
import { ACCESS_PURPOSE, REFRESH_PURPOSE } from './oauth-token-provider';
import type { TokenCipher } from './token-crypto';

// GET /oauth/install and GET /oauth/callback (public-app mode): a HubSpot user installs the app into one of
// their accounts. The callback checks the state (signed, unexpired, unused), exchanges the code, asks HubSpot's
// token metadata which portal the tokens are for, stores the installation (tokens encrypted) and starts its
// sync (onInstalled). Every refusal is a page saying what happened and what to do; nothing is stored then.

export interface OAuthRoutesOptions {
  config: InstallLinkConfig & Pick<Config, 'HUBSPOT_OAUTH_REDIRECT_URL'>;
  prisma: PrismaClient;
  cipher: TokenCipher;
  oauth: Pick<HubSpotOAuthClient, 'exchangeCode' | 'introspect'>;
  /** Starts the installation's sync; its failure is reported on the page (the installation stays stored). */
  onInstalled: (portalId: string, reinstalled: boolean) => Promise<void>;
}

const callbackQuery = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(reply: FastifyReply, status: number, title: string, lines: string[]): FastifyReply {
  const body = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .send(
      `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>\n`,
    );
}

const STATE_PROBLEMS = {
  invalid: 'The install link is not one hubsync made (or it was altered).',
  expired: 'The install link has expired.',
  used: 'The install link was already used.',
} as const;

export const oauthRoutes: FastifyPluginAsync<OAuthRoutesOptions> = async (app, options) => {
  const { config, prisma, cipher, oauth } = options;

  app.get(
    '/oauth/install',
    documentedOnly({ summary: "Redirects to HubSpot's authorize page with a fresh single-use state (302)" }),
    async (_request, reply) => {
      const { url } = await createInstallLink(prisma, cipher, config);
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    '/oauth/callback',
    documentedOnly({
      summary: "HubSpot's redirect after the user approved (code, state) or refused (error); an HTML page",
      querystring: openApiSchema(callbackQuery),
    }),
    async (request, reply) => {
      const parsed = callbackQuery.safeParse(request.query);
      if (!parsed.success) return page(reply, 400, 'Installation failed', ['The callback parameters are malformed.']);
      const query = parsed.data;
      if (query.error) {
        // The user refused (access_denied) or HubSpot could not authorize: the state is spent all the same.
        if (query.state) await takeInstallState(prisma, cipher, config.HUBSPOT_CLIENT_SECRET, query.state);
        request.log.info({ error: query.error }, 'oauth install refused at HubSpot');
        return page(reply, 400, 'Installation cancelled', [
          `HubSpot answered: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}.`,
          'Nothing was connected. Start again from the install link to connect a HubSpot account.',
        ]);
      }
      const state = await takeInstallState(prisma, cipher, config.HUBSPOT_CLIENT_SECRET, query.state);
      if (!state.ok) {
        request.log.warn({ reason: state.reason }, 'oauth callback refused: state');
        return page(reply, 400, 'Installation failed', [
          STATE_PROBLEMS[state.reason],
          'Nothing was connected. Start again from a new install link.',
        ]);
      }
      if (!query.code) return page(reply, 400, 'Installation failed', ['HubSpot sent no authorization code.']);

      let portalId: string;
      let reinstalled: boolean;
      try {
        const tokens = await oauth.exchangeCode(query.code, config.HUBSPOT_OAUTH_REDIRECT_URL!, state.codeVerifier);
        if (!tokens.refreshToken)
          throw new HubSpotOAuthError('HubSpot code exchange returned no refresh token', false, 200);
        const metadata = await oauth.introspect(tokens.accessToken);
        const hubId = metadata.hubId ?? tokens.hubId;
        if (!metadata.active || !hubId)
          throw new HubSpotOAuthError('HubSpot token metadata names no active portal', false, 200);
        portalId = hubId;
        ({ reinstalled } = await saveInstalled(
          prisma,
          portalId,
          {
            accessToken: cipher.encrypt(tokens.accessToken, ACCESS_PURPOSE),
            refreshToken: cipher.encrypt(tokens.refreshToken, REFRESH_PURPOSE),
            accessTokenExpiresAt: new Date(Date.now() + tokens.expiresInSeconds * 1000),
            tokenKeyId: cipher.currentKeyId,
          },
          {
            scopes: metadata.scopes.length > 0 ? metadata.scopes : (tokens.scopes ?? []),
            ...(metadata.hubDomain ? { hubDomain: metadata.hubDomain } : {}),
          },
        ));
      } catch (err) {
        if (!(err instanceof HubSpotOAuthError)) throw err;
        request.log.warn({ err: err.message }, 'oauth callback: HubSpot refused or failed');
        return page(reply, err.refused ? 400 : 502, 'Installation failed', [
          err.refused
            ? `HubSpot refused the authorization: ${err.message}.`
            : `HubSpot did not complete the installation: ${err.message}.`,
          'Nothing was connected. Start again from a new install link.',
        ]);
      }
      request.log.info({ portalId, reinstalled }, 'HubSpot portal installed');
      try {
        await options.onInstalled(portalId, reinstalled);
      } catch (err) {
        request.log.error({ portalId, err: (err as Error).message }, 'installed, but its sync did not start');
        return page(reply, 200, `Connected HubSpot portal ${portalId}`, [
          `HubSpot portal ${portalId} is connected${reinstalled ? ' again' : ''}, but its sync did not start: ${(err as Error).message}.`,
          `Start it with: hubsync portals resume ${portalId}`,
        ]);
      }
      return page(reply, 200, `Connected HubSpot portal ${portalId}`, [
        `HubSpot portal ${portalId} is connected${reinstalled ? ' again' : ''}; its first sync has started.`,
      ]);
    },
  );
};
