import { mergeTakeover, type MergeTakeover } from '../../src/sync/merges';
import type { Logger } from '../../src/logger';
import type { Metrics } from '../../src/metrics';
import {
  applyInboundRecords,
  localRowExists,
  markArchived,
  type ApplyInboundResult,
  type InboundRecord,
} from '../../src/store/hubspot-records';
import { applyAssociationChanges } from '../../src/store/associations';
import { isOwnWrite } from '../../src/sync/echo';
import {
  eraseContact,
  isErased,
  mergedInto,
  recordProcessedEvents,
  takeOverMergedRecords,
} from '../../src/store/inbound-lifecycle';
import { TRANSACTION_OPTIONS, type PrismaClient } from '../../src/store/prisma';
import { mustReadRecordFirst } from '../../src/sync/local-link';
import type { MappingConfig } from '../../src/sync/mapping-types';
import type { CrmObjectType } from '../../src/sync/object-types';
import type { DrainPlan, PlannedProperty } from '../../src/sync/pending-changes';
import type { FetchedRecord } from './hubspot-fetch';
import { mappingOf } from '../deps';

// Applies what the per-record webhook workflow drained: one transaction holding the processed-event log
// (which makes a retried activity a no-op), the record's values, its lifecycle and its associations.

export interface InboundDeps {
  prisma: PrismaClient;
  mapping: MappingConfig;
  mappingFor?: (portalId: string) => Promise<MappingConfig>;
  metrics: Metrics;
  logger: Logger;
}

export interface InboundKey {
  /** dedupeKey(event) */
  key: string;
  occurredAt: number;
}

export interface ApplyInboundPlanInput {
  portalId: string;
  objectType: CrmObjectType;
  objectId: string;
  plan: DrainPlan;
  /** The full record, when the plan asked for one and HubSpot still has it. */
  record: FetchedRecord | null;
  /**
   * Whether the workflow read the record for this apply (a plan's full fetch, or one this apply asked for).
   * Workflows that cannot read it on request (code older than needsRecord) leave it out: never asked then.
   */
  recordRead?: boolean;
  keys: InboundKey[];
  ourAppId?: string;
}

export interface ApplyInboundPlanResult {
  applied: boolean;
  /** Nothing applied: the plan must be applied together with the record's full read (mustReadRecordFirst). */
  needsRecord?: boolean;
  /** For the workflow's details line in the Temporal UI: counts only, never values. */
  summary: string;
}

export function createInboundActivities(deps: InboundDeps) {
  const { prisma, metrics } = deps;

  const count = (objectType: string, counts: ApplyInboundResult) => {
    for (const [result, n] of Object.entries(counts))
      if (n > 0) metrics.eventsApplied.inc({ object_type: objectType, source: 'webhook', result }, n);
  };

  return {
    async applyInboundPlan(input: ApplyInboundPlanInput): Promise<ApplyInboundPlanResult> {
      const { portalId, objectType, objectId, plan } = input;
      const target = { portalId, objectType, objectId };
      const at = new Date(Math.max(0, ...input.keys.map((k) => k.occurredAt)) || Date.now());
      const mapping = await mappingOf(deps, portalId);
      const recordRead = plan.needsFullFetch || input.recordRead === true;
      return prisma.$transaction(async (tx) => {
        if (
          input.recordRead !== undefined &&
          mustReadRecordFirst(plan, {
            recordRead,
            rowExists: await localRowExists(tx, { portalId, objectType, hubspotId: objectId }),
          })
        )
          return { applied: false, needsRecord: true, summary: 'API changes to a record without a row: read it first' };
        if ((await recordProcessedEvents(tx, target, input.keys)) === 0 && input.keys.length > 0) {
          return { applied: false, summary: `${input.keys.length} events already applied` };
        }
        // What the record absorbed (a pending merge) follows it wherever it went since: into its erasure, or
        // into the survivor of a later merge. Skipped, the absorbed rows would stay live for good once that last
        // record is erased: no survivor lists them any more for the sync's safety net.
        const takeOver = async (takeover: MergeTakeover | undefined) =>
          takeover ? takeOverMergedRecords(tx, { portalId, objectType, ...takeover, at }) : undefined;
        const erase = async (): Promise<void> => {
          await takeOver(mergeTakeover(objectId, plan.merge));
          if (objectType === 'contacts') await eraseContact(tx, { portalId, hubspotId: objectId, at });
        };
        if (plan.lifecycle === 'privacyDeleted') {
          await erase();
          metrics.eventsApplied.inc({ object_type: objectType, source: 'webhook', result: 'erased' });
          return { applied: true, summary: 'personal data erased' };
        }
        if (await isErased(tx, { portalId, objectType, hubspotId: objectId })) {
          if (!plan.merge) return { applied: false, summary: 'record was privacy-deleted: ignored' };
          // Its merge was delivered after its erasure: erasing again takes the merged records with it.
          await erase();
          return { applied: true, summary: 'record was privacy-deleted: its late merge applied' };
        }
        // Events of a merged-away record that arrive after the merge: its survivor holds the truth.
        const survivor = await mergedInto(tx, { portalId, objectType, hubspotId: objectId });
        if (survivor) {
          if (!plan.merge) return { applied: false, summary: `merged into ${survivor}: ignored` };
          await takeOver(mergeTakeover(objectId, plan.merge, { mergedInto: survivor }));
          return { applied: true, summary: `merged into ${survivor}: its late merge handed over` };
        }
        // The record was merged away before its own events were applied: HubSpot reads it as the survivor.
        if (input.record && input.record.id !== objectId) {
          await takeOver(mergeTakeover(objectId, plan.merge, { readAs: input.record }));
          return { applied: true, summary: `merged into ${input.record.id}` };
        }

        const notes: string[] = [];
        const merged = await takeOver(mergeTakeover(objectId, plan.merge));
        if (merged)
          notes.push(
            `merge: ${merged.archived} archived, ${merged.associationsMoved} links moved${merged.adopted ? ', row adopted' : ''}`,
          );
        const counts: ApplyInboundResult = {
          inserted: 0,
          updated: 0,
          unchanged: 0,
          echoes: 0,
          conflicts: 0,
          stale: 0,
        };
        const add = (r: ApplyInboundResult) =>
          (Object.keys(counts) as Array<keyof ApplyInboundResult>).forEach((k) => (counts[k] += r[k]));
        const options = { portalId, objectType, mapping, ...(input.ourAppId ? { ourAppId: input.ourAppId } : {}) };
        if (input.record) {
          const full: InboundRecord = {
            hubspotId: objectId,
            properties: input.record.properties,
            archived: input.record.archived,
            changedAt: input.record.updatedAt,
          };
          add(await applyInboundRecords(tx, { ...options, mode: 'full' }, [full]));
        }
        const partial = propertyRecords(objectId, plan.properties);
        if (partial.length > 0) add(await applyInboundRecords(tx, { ...options, mode: 'partial' }, partial));
        // Asked for and not found: HubSpot no longer has the record live (deleted or merged away since).
        const gone = recordRead && input.record === null;
        if (plan.lifecycle === 'archived' || gone) {
          // A deletion event is ordered against the row's HubSpot time (a restore or edit applied since, by an
          // earlier run of this workflow, wins); HubSpot saying the record is gone is not.
          const eventAt = !gone && plan.lifecycleAt !== undefined ? new Date(plan.lifecycleAt) : undefined;
          const archived = await markArchived(tx, {
            portalId,
            objectType,
            hubspotIds: [objectId],
            archived: true,
            at,
            ...(eventAt ? { eventAt } : {}),
          });
          if (archived > 0) notes.push('archived');
        }
        const associations = plan.associations.filter(
          (change) => !isOwnWrite(change.changeSource, change.sourceId, input.ourAppId),
        );
        if (associations.length > 0)
          notes.push(`${await applyAssociationChanges(tx, portalId, associations)} association changes`);
        if (associations.length < plan.associations.length)
          notes.push(`${plan.associations.length - associations.length} association echoes`);
        count(objectType, counts);
        const changed = Object.entries(counts)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`);
        return { applied: true, summary: [`${input.keys.length} events`, ...changed, ...notes].join(', ') };
      }, TRANSACTION_OPTIONS);
    },
  };
}

/**
 * Property changes as inbound records, one per change source: echo detection needs to know who made each
 * change, and changes by different actors may be drained together. Each property keeps its own occurredAt.
 */
function propertyRecords(hubspotId: string, properties: Readonly<Record<string, PlannedProperty>>): InboundRecord[] {
  const bySource = new Map<string, InboundRecord & { propertyChangedAt: Record<string, number> }>();
  for (const [name, change] of Object.entries(properties)) {
    const source = `${change.changeSource ?? ''}\u0000${change.sourceId ?? ''}`;
    let record = bySource.get(source);
    if (!record) {
      record = {
        hubspotId,
        properties: {},
        changedAt: change.occurredAt,
        propertyChangedAt: {},
        ...(change.changeSource === undefined ? {} : { changeSource: change.changeSource }),
        ...(change.sourceId === undefined ? {} : { sourceId: change.sourceId }),
      };
      bySource.set(source, record);
    }
    record.properties[name] = change.value;
    record.propertyChangedAt[name] = change.occurredAt;
    record.changedAt = Math.max(record.changedAt, change.occurredAt);
  }
  return [...bySource.values()];
}

export type InboundActivities = ReturnType<typeof createInboundActivities>;
