import { tokenCipher, oauthClient } from '../installations/app-credentials';
import { createInstallLink } from '../installations/install-link';
import { pauseInstallation, removeInstallation, resumeInstallation } from '../installations/lifecycle';
import { listInstallations } from '../store/installations';
import { flag, UsageError } from './args';
import { type CliCommand, EXIT_OK } from './context';
import { withDatabase } from './database';
import { age, table } from './format';

// `hubsync portals`: the public app's installations (state, last sync, lag, open failures), install links, and
// pause / resume / remove. `status`, `failures` and the other commands act on one of them with --portal.

const ACTIONS = ['list', 'install-url', 'pause', 'resume', 'remove'] as const;

export const portalsCommand: CliCommand = {
  name: 'portals',
  summary: 'public-app installations: list, install-url, pause|resume|remove <portal>',
  usage: [
    'portals [--json]',
    'portals install-url',
    'portals pause <portal>',
    'portals resume <portal>',
    'portals remove <portal> [--delete-rows]',
  ],
  options: [
    { name: 'json', description: 'machine-readable output' },
    { name: 'delete-rows', description: "remove: also delete the portal's rows from every table (default: keep)" },
  ],
  async run(args, ctx) {
    const [action = 'list', target, ...rest] = args.positionals;
    if (!(ACTIONS as readonly string[]).includes(action) || rest.length > 0)
      throw new UsageError(`usage: hubsync portals [${ACTIONS.join('|')}] [portal]`);
    const needsPortal = action === 'pause' || action === 'resume' || action === 'remove';
    if (needsPortal && !(target && /^\d+$/.test(target)))
      throw new UsageError(`portals ${action} needs a numeric portal id`);
    if (!needsPortal && target !== undefined) throw new UsageError(`portals ${action} takes no portal id`);
    const { config } = ctx;
    return withDatabase(config, async (prisma) => {
      if (action === 'install-url') {
        const link = await createInstallLink(prisma, tokenCipher(config), config);
        ctx.stdout.write(`${link.url}\n(single use, valid until ${link.expiresAt.toISOString()})\n`);
        return EXIT_OK;
      }
      if (action === 'pause') {
        await pauseInstallation(prisma, await ctx.temporal(), target!);
        ctx.stdout.write(`portal ${target} paused: schedule paused, outbox relay and backfill stopped\n`);
        return EXIT_OK;
      }
      if (action === 'resume') {
        await resumeInstallation(prisma, await ctx.temporal(), config, target!);
        ctx.stdout.write(`portal ${target} resumed\n`);
        return EXIT_OK;
      }
      if (action === 'remove') {
        const deleteRows = flag(args, 'delete-rows', false);
        const outcome = await removeInstallation(
          { prisma, client: await ctx.temporal(), oauth: oauthClient(config), cipher: tokenCipher(config) },
          target!,
          { deleteRows },
        );
        const rows = outcome.deletedRows ? Object.values(outcome.deletedRows).reduce((a, b) => a + b, 0) : 0;
        ctx.stdout.write(
          `portal ${target} removed: tokens erased${outcome.revoked ? ' and revoked at HubSpot' : ''}, schedule deleted, ` +
            `${deleteRows ? `${rows} rows deleted` : 'rows kept'}\n`,
        );
        return EXIT_OK;
      }
      const installations = await listInstallations(prisma);
      const ids = installations.map((i) => i.portalId);
      const [runs, cursors, failures] = await Promise.all([
        prisma.syncRun.groupBy({
          by: ['portalId'],
          where: { portalId: { in: ids }, status: 'completed', direction: 'inbound' },
          _max: { finishedAt: true },
        }),
        prisma.syncCursor.groupBy({ by: ['portalId'], where: { portalId: { in: ids } }, _min: { watermark: true } }),
        prisma.syncFailure.groupBy({
          by: ['portalId'],
          where: { portalId: { in: ids }, resolvedAt: null },
          _count: { _all: true },
        }),
      ]);
      const rows = installations.map((i) => ({
        portalId: i.portalId,
        state: i.state,
        reason: i.stateReason,
        installedAt: i.installedAt,
        lastSyncAt: runs.find((r) => r.portalId === i.portalId)?._max.finishedAt ?? null,
        oldestWatermark: cursors.find((c) => c.portalId === i.portalId)?._min.watermark ?? null,
        openFailures: failures.find((f) => f.portalId === i.portalId)?._count._all ?? 0,
        rateTier: i.rateTier ?? 'public-app',
        mappingOverride: i.mappingOverride !== null,
      }));
      if (flag(args, 'json', false)) {
        ctx.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return EXIT_OK;
      }
      if (rows.length === 0) {
        ctx.stdout.write('no installations (hubsync portals install-url makes an install link)\n');
        return EXIT_OK;
      }
      ctx.stdout.write(
        `${table(
          ['portal', 'state', 'last sync', 'lag', 'open failures', 'tier', 'mapping', 'reason'],
          rows.map((r) => [
            r.portalId,
            r.state,
            age(r.lastSyncAt),
            age(r.oldestWatermark).replace(' ago', ''),
            String(r.openFailures),
            r.rateTier,
            r.mappingOverride ? 'override' : 'default',
            r.reason ?? '',
          ]),
        )}\n`,
      );
      return EXIT_OK;
    });
  },
};
