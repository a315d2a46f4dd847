import { Context } from '@temporalio/activity';
import { tableFor } from '../../src/store/hubspot-records';
import { replaceAssociationLabels } from '../../src/store/association-labels';
import { archiveStale, countLiveAssociations, countStale, saveListed } from '../../src/store/associations';
import { inTransaction } from '../../src/store/prisma';
import { linkedIds } from '../../src/store/sync-cursors';
import { MASS_ARCHIVE_REFUSED, recordFailures } from '../../src/store/sync-failures';
import { accountForAssociationRead } from '../../src/sync/association-read';
import { archiveAllowance, mayArchive } from '../../src/sync/mass-archive-guard';
import type { CustomObjectTypeId } from '../../src/sync/custom-objects';
import type { CrmObjectType } from '../../src/sync/object-types';
import { emptyCounts } from '../../src/sync/page-counts';
import type { RecordSyncDeps } from '../deps';
import type { PageReport } from './sync-pages';

// The association part of the backfill and the hourly sync, so associations converge without webhooks: per
// type pair (canonical order, ASSOCIATION_PAIRS), the label definitions (one GET), then the pair's associations
// read from its from end for every linked row, ASSOCIATION_READ_IDS ids a v4 batch read. One HubSpot request per
// activity, as the HubSpot queue's rate assumes (an id with more associations than one answer holds pages on
// inside the client: rare, and counted by the API budget test).

/** HubSpot's v4 batch read takes up to 1,000 ids (associations v4 reference, "Batch read"). */
export const ASSOCIATION_READ_IDS = 1000;

/** One end of an association pair: a standard type or a custom object type id. */
type AssociationEnd = CrmObjectType | CustomObjectTypeId;

export interface AssociationPageInput {
  portalId: string;
  fromType: CrmObjectType;
  toType: CrmObjectType;
  after?: string;
  /** Rows of this pair archived on earlier pages of this run (the mass-archive guard counts the whole run). */
  archivedSoFar?: number;
}

export function createAssociationPageActivities(deps: RecordSyncDeps) {
  const { prisma } = deps;
  return {
    /** The pair's association types as HubSpot lists them from its from end (labels and their type ids). */
    async syncAssociationLabels(input: { portalId: string; fromType: CrmObjectType; toType: CrmObjectType }) {
      const labels = await deps.hubspotFor(input.portalId).associationLabels(input.fromType, input.toType);
      await replaceAssociationLabels(prisma, input.portalId, input.fromType, input.toType, labels);
      return { labels: labels.length };
    },

    /**
     * One page: the pair's associations of up to 1,000 linked rows of its from type. What HubSpot lists is
     * stored (a row already holding it is not written); a row HubSpot no longer lists is archived only for the
     * records HubSpot answered for, never for one it said nothing about, and within the mass-archive guard.
     */
    async syncAssociationsPage(input: AssociationPageInput): Promise<PageReport> {
      const { portalId, fromType, toType } = input;
      const ids = await linkedIds(prisma, {
        table: tableFor(fromType).table,
        portalId,
        after: input.after,
        limit: ASSOCIATION_READ_IDS,
      });
      return readAndStoreAssociationPage(
        deps,
        { portalId, fromType, toType, ids, archivedSoFar: input.archivedSoFar },
        fromType,
      );
    },
  };
}

export type AssociationPageActivities = ReturnType<typeof createAssociationPageActivities>;

/**
 * Reads one page of a pair's associations for `ids` (rows of its from end) and stores it: what HubSpot lists is
 * saved, a row it no longer lists is archived only for records it answered for, within the mass-archive guard.
 * Shared by the standard pairs and the custom types' pairs; `metricType` labels the refused-archive metric.
 */
export async function readAndStoreAssociationPage(
  deps: RecordSyncDeps,
  input: {
    portalId: string;
    fromType: AssociationEnd;
    toType: AssociationEnd;
    ids: string[];
    archivedSoFar?: number;
  },
  metricType: string,
): Promise<PageReport> {
  const { prisma, metrics } = deps;
  const { portalId, fromType, toType, ids } = input;
  if (ids.length === 0) return emptyCounts();
  const readAt = new Date();
  const answer = await deps.hubspotFor(portalId).readAssociations(fromType, toType, ids);
  const read = accountForAssociationRead(ids, answer.results, answer.errors);
  const snapshot = { portalId, fromType, toType, answered: read.answered, found: read.found, readAt };
  const archivedSoFar = input.archivedSoFar ?? 0;

  const outcome = await inTransaction(prisma, async (tx) => {
    const written = await saveListed(tx, snapshot);
    const stale = await countStale(tx, snapshot);
    const guard = {
      linkedRows: (await countLiveAssociations(tx, snapshot)) + archivedSoFar,
      archivedSoFar,
      maxShare: deps.config.MASS_ARCHIVE_MAX_SHARE,
      minCount: deps.config.MASS_ARCHIVE_MIN_COUNT,
    };
    if (stale > 0 && !mayArchive(guard, stale)) return { written, archived: 0, refused: stale, guard };
    return { written, archived: stale > 0 ? await archiveStale(tx, snapshot) : 0, refused: 0, guard };
  });

  const pair = `${fromType}→${toType}`;
  if (outcome.refused > 0) {
    await recordFailures(prisma, [
      {
        portalId,
        objectType: fromType,
        direction: 'inbound',
        operation: 'association-sync',
        category: MASS_ARCHIVE_REFUSED,
        message: `the association sync would archive ${archivedSoFar + outcome.refused} of ${outcome.guard.linkedRows} ${pair} associations in one run (allowed: ${archiveAllowance(outcome.guard)}; MASS_ARCHIVE_MAX_SHARE, MASS_ARCHIVE_MIN_COUNT); archived none of them`,
        workflowId: Context.current().info.workflowExecution?.workflowId ?? null,
      },
    ]);
    metrics.massArchiveRefused.inc({ object_type: metricType });
  }
  if (read.unanswered.length > 0)
    deps.logger.warn(
      { portalId, pair, unanswered: read.unanswered.length },
      'association read left records unanswered: their associations were kept as they are',
    );
  return {
    ...emptyCounts(),
    fetched: read.found.length,
    updated: outcome.written,
    archived: outcome.archived,
    archiveRefused: outcome.refused,
    ...(ids.length === ASSOCIATION_READ_IDS ? { next: ids[ids.length - 1]! } : {}),
  };
}
