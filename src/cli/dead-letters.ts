import { listDeadLetters } from '../store/webhook-dead-letters';
import { flag, stringOption, UsageError } from './args';
import { type CliCommand, EXIT_OK } from './context';
import { withDatabase } from './database';
import { singleLine, table } from './format';

// Webhook events hubsync refused one by one (their batch was applied without them), newest first, with the
// reason. The events themselves may hold personal data (property values): printed only with --events.

const REASONS = ['invalid_event', 'id_out_of_range', 'unsynced_type', 'unknown_portal'];

export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  summary: 'webhook events refused one by one (unsynced type, bad field, unknown portal), newest first',
  usage: ['dead-letters [--reason r] [--limit n] [--events] [--json]'],
  options: [
    { name: 'reason', value: 'reason', description: `only this reason (${REASONS.join(', ')})` },
    { name: 'limit', value: 'n', description: 'at most n entries (default 50)' },
    { name: 'events', description: 'include the events as HubSpot sent them (may hold personal data)' },
    { name: 'json', description: 'one JSON array on stdout' },
  ],
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0] ?? ''}`);
    const reason = stringOption(args, 'reason');
    if (reason !== undefined && !REASONS.includes(reason))
      throw new UsageError(`--reason: unknown reason ${reason}; known: ${REASONS.join(', ')}`);
    const limitText = stringOption(args, 'limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit must be a positive integer, got ${limitText}`);
    const withEvents = flag(args, 'events', false);

    const letters = await withDatabase(ctx.config, (prisma) =>
      listDeadLetters(prisma, { limit, ...(reason ? { reason } : {}) }),
    );
    const entries = letters.map(({ id, receivedAt, event, ...rest }) => ({
      id: String(id),
      at: receivedAt.toISOString(),
      ...rest,
      ...(withEvents ? { event } : {}),
    }));
    if (flag(args, 'json', false)) {
      ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return EXIT_OK;
    }
    if (entries.length === 0) {
      ctx.stdout.write('no refused webhook events\n');
      return EXIT_OK;
    }
    const rows = entries.map((e) => [
      e.at,
      e.reason,
      e.portalId ?? '-',
      e.subscriptionType ?? '-',
      e.objectId ?? '-',
      singleLine(e.message, 160),
      ...(withEvents ? [singleLine(e.event ?? '', 400)] : []),
    ]);
    const header = ['when', 'reason', 'portal', 'type', 'object id', 'message', ...(withEvents ? ['event'] : [])];
    ctx.stdout.write(`${table(header, rows)}\n`);
    return EXIT_OK;
  },
};
