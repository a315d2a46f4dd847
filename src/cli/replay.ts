import { notifyLocalChanges, pushStartOptions, type PushObjectType } from '../outbound/notify';
import { isPushObjectType } from '../sync/local-changes';
import type { PrismaClient } from '../store/prisma';
import { isObjectType, OBJECT_TYPES } from '../sync/object-types';
import { flag, stringOption, UsageError } from './args';
import { type CliCommand, EXIT_FAILURE, EXIT_OK } from './context';
import { withDatabase } from './database';
import { isUuid, singleLine, table } from './format';
import { databaseNow, pushMarks, pushOutcomes, waitForPushIdle, type RecordOutcome } from './push-outcome';

// Re-runs the records behind unresolved outbound sync_failures after the cause was fixed (a HubSpot property
// option added, a bad local value corrected, a scope granted). Each record is pushed again through its push
// workflow — the same path as any change, so the push re-plans from the database and sends what HubSpot lacks.
//
// Failures are resolved by the outcome, not on dispatch: the push itself closes a record's open failures in the
// transaction that stores HubSpot's acceptance, so a replay interrupted half-way loses nothing and a failure is
// never marked resolved while HubSpot still refuses it. With --wait (default) this command then tidies up: a
// record refused again gets a fresh failure row with HubSpot's current message and its older rows are closed as
// superseded; a record with nothing left to send (HubSpot already holds its values, or the row is gone) has its
// failures closed. Exit code 1 when any record is still refused.

const WAIT_MS = 300_000;

interface Target {
  objectType: PushObjectType;
  localId: string;
  failures: number;
}

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'push again the records behind unresolved failures (after fixing the cause); exit 1 if any is still refused',
  usage: ['replay [--type t] [--id localId] [--category C] [--limit n] [--dry-run] [--no-wait]'],
  options: [
    { name: 'type', value: 'type', description: 'only failures of this object type' },
    { name: 'id', value: 'localId', description: 'only this record' },
    { name: 'category', value: 'C', description: "only failures of HubSpot's category C (e.g. VALIDATION_ERROR)" },
    { name: 'limit', value: 'n', description: 'at most n records (default 1000)' },
    { name: 'dry-run', description: 'list the records without pushing' },
    {
      name: 'wait',
      description: 'wait for the pushes and resolve what went through (default; --no-wait dispatches only)',
    },
  ],
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0] ?? ''}`);
    const type = stringOption(args, 'type');
    if (type !== undefined && !isObjectType(type))
      throw new UsageError(`--type: unknown type ${type}; known: ${OBJECT_TYPES.join(', ')}`);
    const id = stringOption(args, 'id');
    if (id !== undefined && !isUuid(id)) throw new UsageError(`--id must be a record's uuid, got ${id}`);
    const limitText = stringOption(args, 'limit') ?? '1000';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit must be a positive integer, got ${limitText}`);
    const category = stringOption(args, 'category');

    return withDatabase(ctx.config, async (prisma) => {
      const open = await prisma.syncFailure.findMany({
        where: {
          portalId: ctx.portalId,
          direction: 'outbound',
          resolvedAt: null,
          localId: id ?? { not: null },
          ...(type ? { objectType: type } : {}),
          ...(category ? { category } : {}),
        },
        orderBy: { createdAt: 'desc' },
        select: { objectType: true, localId: true },
      });
      const targets = new Map<string, Target>();
      const unpushable = new Set<string>();
      for (const f of open) {
        if (!isPushObjectType(f.objectType)) {
          unpushable.add(f.objectType);
          continue;
        }
        const key = `${f.objectType}:${f.localId ?? ''}`;
        const target = targets.get(key);
        if (target) target.failures += 1;
        else if (targets.size < limit)
          targets.set(key, { objectType: f.objectType, localId: f.localId as string, failures: 1 });
      }
      for (const t of unpushable)
        ctx.stderr.write(
          `hubsync replay: skipping failures of type "${t}": it cannot be pushed (fix the entry and resolve it in sync_failures)\n`,
        );
      if (targets.size === 0) {
        ctx.stdout.write(`nothing to replay for portal ${ctx.portalId}\n`);
        return EXIT_OK;
      }
      const list = [...targets.values()];
      if (flag(args, 'dry-run', false)) {
        ctx.stdout.write(
          `${table(
            ['type', 'local id', 'open failures'],
            list.map((t) => [t.objectType, t.localId, String(t.failures)]),
          )}\n`,
        );
        ctx.stdout.write(`${list.length} records would be pushed again\n`);
        return EXIT_OK;
      }

      const since = await databaseNow(prisma);
      const marks = new Map<string, number>();
      for (const objectType of new Set(list.map((t) => t.objectType))) {
        for (const [localId, at] of await pushMarks(
          prisma,
          ctx.portalId,
          objectType,
          list.filter((t) => t.objectType === objectType).map((t) => t.localId),
        ))
          marks.set(localId, at);
      }
      const client = await ctx.temporal();
      const notified = await notifyLocalChanges(
        client,
        list.map((t) => ({ objectType: t.objectType, localId: t.localId, portalId: ctx.portalId })),
        pushStartOptions(ctx.config),
      );
      ctx.stdout.write(
        `replaying ${list.length} records: ${notified.map((n) => `${n.workflowId} (${n.changes})`).join(', ')}\n`,
      );
      if (!flag(args, 'wait', true)) return EXIT_OK;

      const outcomes: Array<RecordOutcome & { objectType: PushObjectType }> = [];
      for (const n of notified) {
        await waitForPushIdle(client, n.workflowId, WAIT_MS);
        const ids = list.filter((t) => t.objectType === n.objectType).map((t) => t.localId);
        outcomes.push(
          ...(await pushOutcomes(prisma, ctx.portalId, n.objectType, ids, { since, marks })).map((o) => ({
            ...o,
            objectType: n.objectType,
          })),
        );
      }
      await closeSettled(prisma, ctx.portalId, outcomes, since);

      const still = outcomes.filter((o) => o.outcome === 'failed');
      const tally = (outcome: string) => outcomes.filter((o) => o.outcome === outcome).length;
      ctx.stdout.write(
        `resolved ${outcomes.length - still.length} (pushed ${tally('pushed')}, nothing left to send ${tally('nothing to send')}, row gone ${tally('not found')}); still refused ${still.length}\n`,
      );
      for (const o of still) {
        ctx.stderr.write(
          `hubsync replay: HubSpot still refuses ${o.objectType} ${o.localId}: ${o.failure?.category ?? ''}${o.failure?.property ? ` ${o.failure.property}` : ''}: ${singleLine(o.failure?.message ?? '')}\n`,
        );
      }
      return still.length > 0 ? EXIT_FAILURE : EXIT_OK;
    });
  },
};

/** Closes the failures the replay settled: rows older than the replay of records that went through, had nothing left to send, or were refused again (superseded by the new row). */
async function closeSettled(
  prisma: PrismaClient,
  portalId: string,
  outcomes: ReadonlyArray<RecordOutcome & { objectType: PushObjectType }>,
  since: Date,
): Promise<void> {
  const byType = new Map<PushObjectType, string[]>();
  for (const o of outcomes) byType.set(o.objectType, [...(byType.get(o.objectType) ?? []), o.localId]);
  for (const [objectType, localIds] of byType) {
    await prisma.syncFailure.updateMany({
      where: {
        portalId,
        objectType,
        direction: 'outbound',
        resolvedAt: null,
        localId: { in: localIds },
        createdAt: { lt: since },
      },
      data: { resolvedAt: new Date() },
    });
  }
}
