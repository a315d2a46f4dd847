import { notifyLocalChanges, pushStartOptions, PUSH_OBJECT_TYPES, type PushObjectType } from '../outbound/notify';
import { isPushObjectType } from '../sync/local-changes';
import { MAPPABLE_COLUMNS } from '../sync/object-types';
import { tableFor } from '../store/tables';
import { flag, stringOption, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK } from './context';
import { withDatabase } from './database';
import { isUuid, singleLine } from './format';
import { databaseNow, pushMarks, pushOutcomes, waitForPushIdle } from './push-outcome';

const WAIT_MS = 120_000;

export const pushCommand: CliCommand = {
  name: 'push',
  summary: 'push one platform record to HubSpot now (signals its push workflow) and report the outcome',
  usage: ['push <type> <localId> [--fields a,b] [--no-wait]'],
  options: [
    {
      name: 'fields',
      value: 'a,b',
      description: 'only these columns (Prisma field names); default every mapped column',
    },
    {
      name: 'wait',
      description: 'wait for the push and print its outcome (default; --no-wait to return once Temporal has it)',
    },
  ],
  async run(args, ctx) {
    const [type, localId, ...rest] = args.positionals;
    if (!type || !localId || rest.length > 0) throw new UsageError('usage: hubsync push <type> <localId>');
    if (!isPushObjectType(type))
      throw new UsageError(`unknown type ${type}; pushable: ${PUSH_OBJECT_TYPES.join(', ')}`);
    if (!isUuid(localId)) throw new UsageError(`localId must be the row's uuid, got ${localId}`);
    const fields = parseFields(type, stringOption(args, 'fields'));
    const objectType: PushObjectType = type;

    return withDatabase(ctx.config, async (prisma) => {
      const { table } = tableFor(objectType);
      const found = await prisma.$queryRawUnsafe<unknown[]>(
        `SELECT 1 FROM ${table} WHERE portal_id = $1 AND id = $2::uuid`,
        ctx.portalId,
        localId,
      );
      if (found.length === 0) {
        ctx.stderr.write(`hubsync push: no ${objectType} row ${localId} in portal ${ctx.portalId}\n`);
        return EXIT_FAILURE;
      }
      const before = {
        since: await databaseNow(prisma),
        marks: await pushMarks(prisma, ctx.portalId, objectType, [localId]),
      };
      const client = await ctx.temporal();
      const [notified] = await notifyLocalChanges(
        client,
        [{ objectType, localId, portalId: ctx.portalId, ...(fields ? { fields } : {}) }],
        pushStartOptions(ctx.config),
      );
      const workflowId = notified?.workflowId ?? '';
      ctx.stdout.write(`signalled ${workflowId}\n`);
      if (!flag(args, 'wait', true)) return EXIT_OK;

      await waitForPushIdle(client, workflowId, WAIT_MS);
      const [outcome] = await pushOutcomes(prisma, ctx.portalId, objectType, [localId], before);
      if (!outcome) return EXIT_FAILURE;
      const where = outcome.hubspotId ? ` (HubSpot id ${outcome.hubspotId})` : '';
      if (outcome.outcome === 'failed') {
        const f = outcome.failure;
        ctx.stderr.write(
          `hubsync push: HubSpot refused ${objectType} ${localId}${where}: ${f?.category ?? ''}${f?.property ? ` ${f.property}` : ''}: ${singleLine(f?.message ?? '')}\n`,
        );
        return EXIT_FAILURE;
      }
      ctx.stdout.write(`${objectType} ${localId}: ${outcome.outcome}${where}\n`);
      return outcome.outcome === 'not found' ? EXIT_FAILURE : EXIT_OK;
    });
  },
};

function parseFields(type: PushObjectType, raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = MAPPABLE_COLUMNS[type];
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--fields: unknown column ${unknown.join(', ') || '(none given)'} of ${type}; known: ${known.join(', ')}`,
    );
  return names;
}
