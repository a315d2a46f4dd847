// What hubsync holds of each type pair before the association read decides which pairs to read
// (src/sync/association-read.ts, pairNeedsRead): one statement of EXISTS probes, each an index range.
import type { PairHoldings } from '../sync/association-read';
import type { CrmObjectType } from '../sync/object-types';
import type { Db } from './prisma';
import { tableFor } from './tables';

export async function associationHoldings(
  db: Db,
  portalId: string,
  pairs: ReadonlyArray<readonly [CrmObjectType, CrmObjectType]>,
): Promise<PairHoldings[]> {
  if (pairs.length === 0) return [];
  const types = [...new Set(pairs.flat())];
  const typeProbes = types.map(
    (type, i) =>
      `SELECT 'type' AS kind, ${i} AS i, EXISTS (SELECT 1 FROM ${tableFor(type).table}
         WHERE portal_id = $1 AND archived = false AND hubspot_id IS NOT NULL) AS held`,
  );
  const pairProbes = pairs.map(
    (_, i) =>
      `SELECT 'pair' AS kind, ${i} AS i, EXISTS (SELECT 1 FROM associations
         WHERE portal_id = $1 AND from_type = $${2 + 2 * i} AND to_type = $${3 + 2 * i} AND NOT archived) AS held`,
  );
  const rows = await db.$queryRawUnsafe<Array<{ kind: 'type' | 'pair'; i: number; held: boolean }>>(
    [...typeProbes, ...pairProbes].join('\nUNION ALL\n'),
    portalId,
    ...pairs.flat(),
  );
  const held = (kind: 'type' | 'pair', i: number) => rows.some((r) => r.kind === kind && r.i === i && r.held);
  return pairs.map(([from, to], i) => ({
    fromHeld: held('type', types.indexOf(from)),
    toHeld: held('type', types.indexOf(to)),
    stored: held('pair', i),
  }));
}
