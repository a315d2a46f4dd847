import { HubSpotValidationError, type AssociationSpec, type HubSpotClient } from '../../src/hubspot';
import { loadAssociationLabels } from '../../src/store/association-labels';
import {
  archivePushedPairs,
  hubspotIdsOf,
  loadAssociationRows,
  savePushedAssociations,
  type PushedAssociation,
  type StoredAssociation,
} from '../../src/store/associations';
import { tableFor } from '../../src/store/hubspot-records';
import { inTransaction } from '../../src/store/prisma';
import { recordFailures, type FailureRow } from '../../src/store/sync-failures';
import {
  hubspotWins,
  resolveAssociationType,
  type AssociationChange,
  type ResolvedType,
} from '../../src/sync/association-changes';
import type { CrmObjectType } from '../../src/sync/object-types';
import type { RecordSyncDeps } from '../deps';

// Associations the platform created or removed, written to HubSpot in batches (v4 batch/create with the label's
// type id, batch/archive for a whole association, batch/labels/archive for one label), then stored before their
// webhooks come back: those are echoes (src/sync/echo.ts isOwnWrite) and the next sync read finds nothing to
// change. HubSpot's newer change of an association wins over the platform's older one and is a sync_conflicts
// row; a refusal is a sync_failures row and the batch's other changes land.

export interface AssociationPushResult {
  created: number;
  removed: number;
  unchanged: number;
  conflicts: number;
  failed: number;
  /** Changes an end of which has no HubSpot record yet (its own push is under way): asked again later. */
  waiting: AssociationChange[];
  writeCalls: number;
}

interface Planned {
  change: AssociationChange;
  type: ResolvedType;
  fromHubSpotId: string;
  toHubSpotId: string;
}

const pairKey = (p: { fromType: string; fromId: string; toType: string; toId: string }) =>
  `${p.fromType}|${p.fromId}|${p.toType}|${p.toId}`;

export function createAssociationPushActivities(deps: RecordSyncDeps) {
  const { prisma } = deps;

  /** Creates in one call per pair; when HubSpot refuses the whole call, one call per input finds the bad one. */
  async function create(
    hubspot: HubSpotClient,
    from: CrmObjectType,
    to: CrmObjectType,
    planned: Planned[],
    result: AssociationPushResult,
  ): Promise<Map<Planned, string>> {
    const refused = new Map<Planned, string>();
    const inputs = (items: Planned[]) =>
      items.map((p) => ({
        fromId: p.fromHubSpotId,
        toId: p.toHubSpotId,
        types: [{ associationCategory: p.type.category, associationTypeId: p.type.typeId } as AssociationSpec],
      }));
    try {
      result.writeCalls += 1;
      const { errors } = await hubspot.createAssociations(from, to, inputs(planned));
      for (const error of errors) {
        const named = error.inputIndex === undefined ? [] : [planned[error.inputIndex]];
        for (const p of named) if (p) refused.set(p, `${error.category}: ${error.message}`);
      }
    } catch (err) {
      if (!(err instanceof HubSpotValidationError) || planned.length === 1) {
        if (err instanceof HubSpotValidationError) refused.set(planned[0]!, err.message);
        else throw err;
        return refused;
      }
      for (const p of planned) for (const [k, v] of await create(hubspot, from, to, [p], result)) refused.set(k, v);
    }
    return refused;
  }

  return {
    async pushAssociations(input: {
      portalId: string;
      changes: AssociationChange[];
      workflowId?: string;
    }): Promise<AssociationPushResult> {
      const { portalId } = input;
      const result: AssociationPushResult = {
        created: 0,
        removed: 0,
        unchanged: 0,
        conflicts: 0,
        failed: 0,
        waiting: [],
        writeCalls: 0,
      };
      const failures: FailureRow[] = [];
      const fail = (change: AssociationChange, category: string, message: string, hubspotId?: string) =>
        failures.push({
          portalId,
          objectType: change.fromType,
          direction: 'outbound',
          operation: 'association',
          category,
          message: `${change.fromType} ${change.fromId} → ${change.toType} ${change.toId}: ${message}`,
          localId: change.fromId,
          ...(hubspotId ? { hubspotId } : {}),
          workflowId: input.workflowId ?? null,
        });

      // Local ids → HubSpot ids, per type.
      const idsByType = new Map<CrmObjectType, Set<string>>();
      for (const c of input.changes)
        for (const [type, id] of [
          [c.fromType, c.fromId],
          [c.toType, c.toId],
        ] as const)
          idsByType.set(type, (idsByType.get(type) ?? new Set()).add(id));
      const hubspotId = new Map<string, string>();
      for (const [type, ids] of idsByType)
        for (const [local, remote] of await hubspotIdsOf(prisma, tableFor(type).table, portalId, [...ids]))
          hubspotId.set(`${type}|${local}`, remote);

      const labels = await loadAssociationLabels(prisma, portalId);
      const planned: Planned[] = [];
      for (const change of input.changes) {
        const type = resolveAssociationType(labels, change);
        if ('problem' in type) {
          fail(change, 'UNKNOWN_ASSOCIATION_LABEL', type.problem);
          continue;
        }
        const a = hubspotId.get(`${change.fromType}|${change.fromId}`);
        const b = hubspotId.get(`${change.toType}|${change.toId}`);
        if (a === undefined || b === undefined) {
          result.waiting.push(change);
          continue;
        }
        const [fromHubSpotId, toHubSpotId] = type.swapped ? [b, a] : [a, b];
        planned.push({ change, type, fromHubSpotId, toHubSpotId });
      }

      // What the store holds of these associations: unchanged ones are not sent, HubSpot's newer ones win.
      const ends = (p: Planned) => ({
        fromType: p.type.fromType,
        fromId: p.fromHubSpotId,
        toType: p.type.toType,
        toId: p.toHubSpotId,
      });
      const stored = new Map<string, StoredAssociation[]>();
      for (const row of await loadAssociationRows(prisma, portalId, planned.map(ends)))
        stored.set(pairKey(row), [...(stored.get(pairKey(row)) ?? []), row]);
      const conflicts: Array<{ p: Planned; row: StoredAssociation }> = [];
      const toSend = planned.filter((p) => {
        const rows = stored.get(pairKey(ends(p))) ?? [];
        // A whole removal (no label) is about every type of the pair; otherwise about the label's own row.
        const relevant =
          p.change.remove && p.type.label === null ? rows : rows.filter((r) => r.typeId === p.type.typeId);
        const newest = relevant.reduce<StoredAssociation | undefined>(
          (n, r) => (n === undefined || (r.lastEventAt ?? 0) > (n.lastEventAt ?? 0) ? r : n),
          undefined,
        );
        const live = relevant.some((r) => !r.archived);
        const state = newest && { archived: !live, lastEventAt: newest.lastEventAt };
        if (newest && hubspotWins(p.change, state)) {
          conflicts.push({ p, row: newest });
          return false;
        }
        if ((p.change.remove && !live) || (!p.change.remove && live)) {
          result.unchanged += 1;
          return false;
        }
        return true;
      });

      const hubspot = deps.hubspotFor(portalId);
      const pushedAt = new Date();
      const pushed: PushedAssociation[] = [];
      const archivedPairs: Array<ReturnType<typeof ends> & { at: Date }> = [];
      const groups = new Map<string, Planned[]>();
      for (const p of toSend) {
        const key = `${p.type.fromType}|${p.type.toType}|${p.change.remove ? (p.type.label === null ? 'archive' : 'unlabel') : 'create'}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const [key, items] of groups) {
        const [from, to, op] = key.split('|') as [CrmObjectType, CrmObjectType, 'create' | 'archive' | 'unlabel'];
        if (op === 'create') {
          const refused = await create(hubspot, from, to, items, result);
          for (const p of items) {
            const why = refused.get(p);
            if (why) fail(p.change, 'ASSOCIATION_REFUSED', why, p.fromHubSpotId);
            else {
              result.created += 1;
              pushed.push({
                ...ends(p),
                typeId: p.type.typeId,
                category: p.type.category,
                label: p.type.label,
                archived: false,
                at: pushedAt,
              });
            }
          }
        } else if (op === 'archive') {
          result.writeCalls += 1;
          await hubspot.archiveAssociations(
            from,
            to,
            items.map((p) => ({ fromId: p.fromHubSpotId, toIds: [p.toHubSpotId] })),
          );
          result.removed += items.length;
          archivedPairs.push(...items.map((p) => ({ ...ends(p), at: pushedAt })));
        } else {
          result.writeCalls += 1;
          await hubspot.archiveAssociationLabels(
            from,
            to,
            items.map((p) => ({
              fromId: p.fromHubSpotId,
              toId: p.toHubSpotId,
              types: [{ associationCategory: p.type.category, associationTypeId: p.type.typeId } as AssociationSpec],
            })),
          );
          result.removed += items.length;
          pushed.push(
            ...items.map((p) => ({
              ...ends(p),
              typeId: p.type.typeId,
              category: p.type.category,
              label: p.type.label,
              archived: true,
              at: pushedAt,
            })),
          );
        }
      }

      await inTransaction(prisma, async (tx) => {
        await savePushedAssociations(tx, portalId, pushed);
        await archivePushedPairs(tx, portalId, archivedPairs);
        if (conflicts.length > 0)
          await tx.syncConflict.createMany({
            data: conflicts.map(({ p, row }) => ({
              portalId,
              objectType: p.change.fromType,
              localId: p.change.fromId,
              hubspotId: p.fromHubSpotId,
              property: `association:${p.type.fromType}→${p.type.toType}:${p.type.label ?? ''}`,
              localValue: p.change.remove ? 'removed' : 'associated',
              hubspotValue: row.archived ? 'removed' : 'associated',
              localChangedAt: new Date(p.change.reportedAt),
              hubspotChangedAt: row.lastEventAt === null ? null : new Date(row.lastEventAt),
              policy: 'newest',
              winner: 'hubspot',
            })),
          });
        await recordFailures(tx, failures);
      });
      result.conflicts = conflicts.length;
      result.failed = failures.length;
      return result;
    },
  };
}

export type AssociationPushActivities = ReturnType<typeof createAssociationPushActivities>;

export const END_NOT_IN_HUBSPOT = 'ASSOCIATION_END_NOT_IN_HUBSPOT';

/**
 * Store-only: changes that will not be pushed become failures — their ends never got a HubSpot record within the
 * waits allowed (END_NOT_IN_HUBSPOT), or HubSpot refused their batch for good (auth, a malformed answer).
 */
export function createAssociationPushStoreActivities({ prisma }: Pick<RecordSyncDeps, 'prisma'>) {
  return {
    async recordAssociationFailures(input: {
      portalId: string;
      changes: AssociationChange[];
      workflowId?: string;
      category?: string;
      message?: string;
    }): Promise<void> {
      await recordFailures(
        prisma,
        input.changes.map((c) => ({
          portalId: input.portalId,
          objectType: c.fromType,
          direction: 'outbound' as const,
          operation: 'association',
          category: input.category ?? END_NOT_IN_HUBSPOT,
          message: `${c.fromType} ${c.fromId} → ${c.toType} ${c.toId}: ${input.message ?? 'an end has no HubSpot record (not pushed, or refused); report the association again once both records are in HubSpot'}`,
          localId: c.fromId,
          workflowId: input.workflowId ?? null,
        })),
      );
    },
  };
}

export type AssociationPushStoreActivities = ReturnType<typeof createAssociationPushStoreActivities>;
