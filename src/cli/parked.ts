import { redriveParked } from '../inbound/redrive-parked';
import { listParked } from '../store/parked-events';
import { flag, stringOption, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK } from './context';
import { withDatabase } from './database';
import { singleLine, table } from './format';

// Webhook events a record's workflow still held when its rounds of failed reads or applies ran out, oldest
// first; --redrive hands them back to the records' workflows. The events may hold personal data (property
// values): printed only with --events.

export const parkedCommand: CliCommand = {
  name: 'parked',
  summary: "webhook events parked once a record's retries ran out; --redrive applies them again",
  usage: ['parked [--limit n] [--events] [--json]', 'parked --redrive'],
  options: [
    { name: 'limit', value: 'n', description: 'at most n entries (default 50)' },
    { name: 'events', description: 'include the events as HubSpot sent them (may hold personal data)' },
    { name: 'json', description: 'one JSON array on stdout' },
    { name: 'redrive', description: "hand every parked event back to its record's workflow, then mark it redriven" },
  ],
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0] ?? ''}`);
    const limitText = stringOption(args, 'limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit must be a positive integer, got ${limitText}`);
    const { config } = ctx;

    if (flag(args, 'redrive', false)) {
      const client = await ctx.temporal();
      const outcome = await withDatabase(config, (prisma) =>
        redriveParked(prisma, client, ctx.portalId, {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          coalesceMs: config.WEBHOOK_COALESCE_MS,
          idleTimeoutMs: config.WORKFLOW_IDLE_TIMEOUT_MS,
          ...(config.HUBSPOT_APP_ID ? { ourAppId: config.HUBSPOT_APP_ID } : {}),
          deadlineMs: 30_000,
        }),
      );
      ctx.stdout.write(`redriven ${outcome.redriven} parked rows\n`);
      for (const f of outcome.failed) ctx.stderr.write(`row ${f.id} left parked: ${singleLine(f.error, 200)}\n`);
      return outcome.failed.length > 0 ? EXIT_FAILURE : EXIT_OK;
    }

    const rows = await withDatabase(config, (prisma) => listParked(prisma, ctx.portalId, { limit }));
    const withEvents = flag(args, 'events', false);
    const entries = rows.map((row) => ({
      id: String(row.id),
      parkedAt: row.parkedAt.toISOString(),
      objectType: row.objectType,
      objectId: row.objectId,
      eventCount: row.events.length,
      lastError: row.lastError,
      ...(withEvents ? { events: row.events } : {}),
    }));
    if (flag(args, 'json', false)) {
      ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return EXIT_OK;
    }
    if (entries.length === 0) {
      ctx.stdout.write('no parked webhook events\n');
      return EXIT_OK;
    }
    const header = ['parked', 'type', 'object id', 'events', 'last error', ...(withEvents ? ['events'] : [])];
    const lines = entries.map((e) => [
      e.parkedAt,
      e.objectType,
      e.objectId,
      String(e.eventCount),
      singleLine(e.lastError, 160),
      ...(withEvents ? [singleLine(JSON.stringify(e.events), 400)] : []),
    ]);
    ctx.stdout.write(`${table(header, lines)}\n`);
    return EXIT_OK;
  },
};
