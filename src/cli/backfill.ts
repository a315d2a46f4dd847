import { WorkflowFailedError } from '@temporalio/client';
import { OBJECT_TYPES } from '../sync/object-types';
import { startBackfill } from '../scheduled/start-sync';
import type { BackfillProgress } from '../../workflows/scheduled/backfill';
import { flag, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK, OBJECTS_OPTION, objectTypesOption } from './context';
import { ProgressBar } from './progress-bar';

const POLL_MS = 500;

export const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: 'load every record from HubSpot (resumes an interrupted load; shows a progress bar)',
  usage: ['backfill [--objects a,b] [--no-wait]'],
  options: [
    OBJECTS_OPTION,
    { name: 'wait', description: 'follow the progress until done (default; --no-wait to return at once)' },
  ],
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0] ?? ''}`);
    const objectTypes = objectTypesOption(args) ?? [...OBJECT_TYPES];
    const client = await ctx.temporal();
    const handle = await startBackfill(client, ctx.portalId, ctx.config, { objectTypes, restart: true });
    ctx.stdout.write(`backfill ${handle.workflowId} (${objectTypes.join(', ')})\n`);
    if (!flag(args, 'wait', true)) return EXIT_OK;

    const bar = new ProgressBar(ctx.stdout, 'backfill');
    let last: BackfillProgress | undefined;
    let settled: { ok: true; value: BackfillProgress } | { ok: false; error: unknown } | undefined;
    const result = handle.result().then(
      (value) => (settled = { ok: true, value }),
      (error: unknown) => (settled = { ok: false, error }),
    );
    while (!settled) {
      // The query answers from the worker; before the first workflow task it may not be ready yet.
      last = await handle.query<BackfillProgress>('progress').catch(() => last);
      if (last) bar.update(last.done, last.estimatedTotal);
      await Promise.race([result, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
    }
    const outcome = settled as { ok: true; value: BackfillProgress } | { ok: false; error: unknown };
    if (!outcome.ok) {
      const cause =
        outcome.error instanceof WorkflowFailedError && outcome.error.cause
          ? outcome.error.cause.message
          : (outcome.error as Error).message;
      ctx.stderr.write(`\nhubsync: backfill failed: ${cause}\n`);
      return EXIT_FAILURE;
    }
    bar.finish(outcome.value.done, outcome.value.done);
    for (const [type, p] of Object.entries(outcome.value.types))
      if (p) ctx.stdout.write(`  ${type}: ${p.done} records\n`);
    return EXIT_OK;
  },
};
