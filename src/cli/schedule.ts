import { ScheduleNotFoundError } from '@temporalio/client';
import { ensureSyncSchedule, pauseSyncSchedule, resumeSyncSchedule } from '../scheduled/schedules';
import { syncScheduleId } from '../workflow-safe/ids';
import { stringOption, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK } from './context';

const ACTIONS = ['ensure', 'pause', 'resume'] as const;

export const scheduleCommand: CliCommand = {
  name: 'schedule',
  summary: "create/update, pause or resume the portal's hourly sync schedule",
  usage: ['schedule ensure', 'schedule pause [--note text]', 'schedule resume [--note text]'],
  options: [{ name: 'note', value: 'text', description: 'why (shown in the Temporal UI)' }],
  async run(args, ctx) {
    const [action, ...rest] = args.positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action) || rest.length > 0) {
      throw new UsageError(`usage: hubsync schedule ${ACTIONS.join('|')}`);
    }
    const client = await ctx.temporal();
    const id = syncScheduleId(ctx.portalId);
    const note = stringOption(args, 'note');
    try {
      if (action === 'ensure') {
        const outcome = await ensureSyncSchedule(client, ctx.portalId, ctx.config);
        ctx.stdout.write(`${id} ${outcome}: every ${ctx.config.SYNC_INTERVAL_MS / 1000}s, overlap skip\n`);
      } else if (action === 'pause') {
        await pauseSyncSchedule(client, ctx.portalId, note);
        ctx.stdout.write(`${id} paused\n`);
      } else {
        await resumeSyncSchedule(client, ctx.portalId, note);
        ctx.stdout.write(`${id} resumed\n`);
      }
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      ctx.stderr.write(`hubsync: schedule ${id} does not exist (run: hubsync schedule ensure)\n`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};
