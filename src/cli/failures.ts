import { isObjectType, OBJECT_TYPES } from '../sync/object-types';
import { flag, stringOption, UsageError } from './args';
import { type CliCommand, EXIT_OK } from './context';
import { withDatabase } from './database';
import { singleLine, table } from './format';

// What needs an operator: records HubSpot refused (sync_failures, unresolved unless --all) and conflicts the
// field policies settled (sync_conflicts), newest first. Values are personal data: shown only with --values.

export interface FailureEntry {
  kind: 'failure' | 'conflict';
  at: string;
  objectType: string;
  localId: string | null;
  hubspotId: string | null;
  property: string | null;
  /** failure: HubSpot's category (e.g. VALIDATION_ERROR); conflict: "policy → winner". */
  category: string;
  message: string;
  direction?: string;
  operation?: string;
  workflowId?: string | null;
  resolvedAt?: string | null;
  localValue?: string | null;
  hubspotValue?: string | null;
}

export const failuresCommand: CliCommand = {
  name: 'failures',
  summary: 'records HubSpot rejected and conflicts settled by policy, newest first',
  usage: ['failures [--type t] [--limit n] [--all] [--no-conflicts] [--values] [--json]'],
  options: [
    { name: 'type', value: 'type', description: `only this object type (${OBJECT_TYPES.join(', ')})` },
    { name: 'limit', value: 'n', description: 'at most n entries (default 50)' },
    { name: 'all', description: 'include failures already resolved' },
    { name: 'conflicts', description: 'include conflicts (default; --no-conflicts for failures only)' },
    { name: 'values', description: 'show conflicting values (personal data; off by default)' },
    { name: 'json', description: 'one JSON array on stdout' },
  ],
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0] ?? ''}`);
    const type = stringOption(args, 'type');
    if (type !== undefined && !isObjectType(type))
      throw new UsageError(`--type: unknown type ${type}; known: ${OBJECT_TYPES.join(', ')}`);
    const limitText = stringOption(args, 'limit') ?? '50';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1)
      throw new UsageError(`--limit must be a positive integer, got ${limitText}`);
    const showValues = flag(args, 'values', false);

    const entries = await withDatabase(ctx.config, async (prisma) => {
      const scope = { portalId: ctx.portalId, ...(type ? { objectType: type } : {}) };
      const failures = await prisma.syncFailure.findMany({
        where: { ...scope, ...(flag(args, 'all', false) ? {} : { resolvedAt: null }) },
        orderBy: { createdAt: 'desc' },
        take: limit,
      });
      const conflicts = flag(args, 'conflicts', true)
        ? await prisma.syncConflict.findMany({ where: scope, orderBy: { createdAt: 'desc' }, take: limit })
        : [];
      const list: Array<FailureEntry & { sortAt: number }> = [
        ...failures.map((f) => ({
          kind: 'failure' as const,
          sortAt: f.createdAt.getTime(),
          at: f.createdAt.toISOString(),
          objectType: f.objectType,
          localId: f.localId,
          hubspotId: f.hubspotId,
          property: f.property,
          category: f.category,
          message: f.message,
          direction: f.direction,
          operation: f.operation,
          workflowId: f.workflowId,
          resolvedAt: f.resolvedAt?.toISOString() ?? null,
        })),
        ...conflicts.map((c) => ({
          kind: 'conflict' as const,
          sortAt: c.createdAt.getTime(),
          at: c.createdAt.toISOString(),
          objectType: c.objectType,
          localId: c.localId,
          hubspotId: c.hubspotId,
          property: c.property,
          category: `${c.policy} → ${c.winner}`,
          message: `both sides changed ${c.property}; ${c.winner} won (policy ${c.policy})`,
          ...(showValues ? { localValue: c.localValue, hubspotValue: c.hubspotValue } : {}),
        })),
      ];
      return list
        .sort((a, b) => b.sortAt - a.sortAt)
        .slice(0, limit)
        .map(({ sortAt: _sortAt, ...entry }) => entry);
    });

    if (flag(args, 'json', false)) {
      ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return EXIT_OK;
    }
    if (entries.length === 0) {
      ctx.stdout.write(`no failures or conflicts for portal ${ctx.portalId}\n`);
      return EXIT_OK;
    }
    const rows = entries.map((e) => [
      e.at,
      e.kind,
      e.objectType,
      e.localId ?? '-',
      e.hubspotId ?? '-',
      e.property ?? '-',
      e.category,
      e.kind === 'conflict' && showValues
        ? `platform ${JSON.stringify(e.localValue)} vs HubSpot ${JSON.stringify(e.hubspotValue)}`
        : singleLine(e.message, 160),
    ]);
    ctx.stdout.write(
      `${table(['when', 'kind', 'type', 'local id', 'HubSpot id', 'property', 'category', 'message'], rows)}\n`,
    );
    const open = entries.filter((e) => e.kind === 'failure' && !e.resolvedAt).length;
    if (open > 0) ctx.stdout.write(`\n${open} unresolved; after fixing the cause run: hubsync replay\n`);
    return EXIT_OK;
  },
};
