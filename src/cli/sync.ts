import type { ObjectType } from '../sync/object-types';
import { startManualSync } from '../scheduled/start-sync';
import { describeCounts } from '../sync/page-counts';
import { flag, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK, OBJECTS_OPTION, objectTypesOption } from './context';

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'run an incremental sync now (SyncTrigger=manual)',
  usage: ['sync now [--objects a,b] [--no-wait]'],
  options: [
    OBJECTS_OPTION,
    { name: 'wait', description: 'wait for the run and print its counts (default; --no-wait to return at once)' },
  ],
  async run(args, ctx) {
    const [sub, ...rest] = args.positionals;
    if (sub !== 'now' || rest.length > 0) throw new UsageError('usage: hubsync sync now [--objects a,b] [--no-wait]');
    // Arguments are checked before connecting, so a usage mistake is exit 2 even while Temporal is down.
    const objectTypes = objectTypesOption(args);
    const client = await ctx.temporal();
    const handle = await startManualSync(client, ctx.portalId, ctx.config, objectTypes);
    ctx.stdout.write(`started ${handle.workflowId}\n`);
    if (!flag(args, 'wait', true)) return EXIT_OK;
    const result = await handle.result();
    for (const [type, counts] of Object.entries(result.counts)) {
      if (counts) ctx.stdout.write(`  ${type}: ${describeCounts(counts)}\n`);
    }
    if (result.backfillAlreadyRunning)
      ctx.stdout.write('  a backfill is already running for the types never loaded; they sync once it completes\n');
    const failed = Object.entries(result.failed) as Array<[ObjectType, string]>;
    for (const [type, message] of failed) ctx.stderr.write(`hubsync: ${type} failed: ${message}\n`);
    return failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
  },
};
