import type { LocalChange, PushObjectType } from '../../src/sync/local-changes';
import { settleWithHubSpot, type HubSpotCurrent } from '../../src/sync/push-decisions';
import {
  writeUpdates,
  writeUpserts,
  type UpdateInput,
  type UpsertInput,
  type WriteOutcome,
} from '../../src/outbound/hubspot-writes';
import { createPushSchemaCache } from '../../src/outbound/hubspot-schema';
import {
  LOCAL_ID_PROPERTY,
  planRecordPush,
  upsertKeyFor,
  type PushRow,
  type RecordPlan,
} from '../../src/sync/push-plan';
import type { PrismaClient } from '../../src/store/prisma';
import { loadPushRows, savePushOutcome, type PushedRecord, type PushFailureRow } from '../../src/store/push-records';
import { mappingOf, type RecordSyncDeps } from '../deps';

export type PushActivityDeps = RecordSyncDeps;

export interface PushBatchInput {
  portalId: string;
  objectType: PushObjectType;
  /** At most 100, one per record (the workflow merges repeated reports). */
  changes: LocalChange[];
  workflowId?: string;
}

export interface PushFailureSummary {
  localId: string;
  property?: string;
  category: string;
  message: string;
}

export interface PushBatchResult {
  /** Records not found locally (deleted, archived, or of another portal/type). */
  missing: number;
  /** Records with nothing to send (every field already in HubSpot or taken from it). */
  unchanged: number;
  created: number;
  updated: number;
  failed: number;
  conflicts: number;
  writeCalls: number;
  readCalls: number;
  /** The first few failures, for the workflow's query; all of them are in sync_failures. */
  failures: PushFailureSummary[];
}

const FAILURES_REPORTED = 10;

/**
 * One push batch, on the HubSpot queue. The rows are read and planned once; one batch read of HubSpot's current
 * values lets each planned field be decided once (sent, or taken from HubSpot and recorded as a conflict); one
 * write per kind (update / upsert); then one transaction records what HubSpot accepted, the conflicts and HubSpot's
 * winners. Idempotent: a retry re-plans from the database, so fields already marked pushed are not sent again and
 * upserts find records a lost response created.
 */
export function createPushActivities(deps: PushActivityDeps) {
  const schemaFor = createPushSchemaCache(deps.hubspotFor, (portalId) => mappingOf(deps, portalId));

  /** HubSpot's current values of the known records whose plan holds a field HubSpot may have changed too. */
  async function readCurrent(
    input: PushBatchInput,
    rows: readonly PushRow[],
    plans: ReadonlyMap<string, RecordPlan>,
    result: PushBatchResult,
  ): Promise<Map<string, HubSpotCurrent>> {
    const known = rows.filter((r) => r.hubspotId && plans.get(r.id)?.fields.some((f) => f.field.direction === 'both'));
    if (known.length === 0) return new Map();
    const properties = new Set(known.flatMap((r) => plans.get(r.id)?.fields.map((f) => f.field.hubspotProperty) ?? []));
    result.readCalls += 1;
    const current = await deps.hubspotFor(input.portalId).batchRead(
      input.objectType,
      known.map((r) => r.hubspotId as string),
      { properties: [...properties] },
    );
    return new Map(
      current.results.map((record) => [
        record.id,
        { properties: record.properties, changedAt: Date.parse(record.updatedAt) },
      ]),
    );
  }

  return {
    async pushBatch(input: PushBatchInput): Promise<PushBatchResult> {
      const { portalId, objectType: type } = input;
      const result: PushBatchResult = {
        missing: 0,
        unchanged: 0,
        created: 0,
        updated: 0,
        failed: 0,
        conflicts: 0,
        writeCalls: 0,
        readCalls: 0,
        failures: [],
      };
      const columnsOf = new Map(input.changes.map((c) => [c.localId, c.fields ?? null]));
      const schema = await schemaFor(portalId, type);
      const mapping = await mappingOf(deps, portalId);

      const rows = await loadPushRows(deps.prisma, portalId, type, [...columnsOf.keys()]);
      result.missing = columnsOf.size - rows.length;
      // A record HubSpot does not know yet is sent whole, whatever columns the platform named.
      const planned = new Map(
        rows.map((r) => [r.id, planRecordPush(type, r, mapping, r.hubspotId ? (columnsOf.get(r.id) ?? null) : null)]),
      );
      const current = await readCurrent(input, rows, planned, result);
      const settlement = settleWithHubSpot(type, rows, planned, current, {
        mapping,
        ...(deps.config.HUBSPOT_APP_ID ? { ourAppId: deps.config.HUBSPOT_APP_ID } : {}),
        now: Date.now(),
      });
      const { plans } = settlement;
      result.conflicts = settlement.conflicts.length;

      const failures: PushFailureRow[] = [];
      const updates: UpdateInput[] = [];
      const upserts: UpsertInput[] = [];
      for (const row of rows) {
        const plan = plans.get(row.id) as RecordPlan;
        for (const bad of plan.unrepresentable) {
          failures.push({
            localId: row.id,
            ...(row.hubspotId ? { hubspotId: row.hubspotId } : {}),
            operation: 'map',
            category: 'INVALID_LOCAL_VALUE',
            message: bad.message,
            property: bad.property,
          });
        }
        for (const missing of plan.missingOnCreate) {
          failures.push({
            localId: row.id,
            operation: 'map',
            category: 'INVALID_LOCAL_VALUE',
            message: missing.message,
            property: missing.property,
          });
        }
        const properties = Object.fromEntries(plan.fields.map((f) => [f.field.hubspotProperty, f.value]));
        if (plan.missingOnCreate.length > 0) continue;
        if (row.hubspotId) {
          if (plan.fields.length === 0) result.unchanged += 1;
          else updates.push({ localId: row.id, hubspotId: row.hubspotId, properties });
        } else {
          upserts.push({
            localId: row.id,
            key: upsertKeyFor(type, row, mapping, schema.uniquePropertyUsable),
            properties: { ...properties, [LOCAL_ID_PROPERTY]: row.id },
          });
        }
      }

      const hubspot = deps.hubspotFor(portalId);
      const outcomes: WriteOutcome[] = [
        await writeUpdates(hubspot, type, updates),
        await writeUpserts(hubspot, type, upserts),
      ];
      const pushedAt = Date.now();
      const knownIds = new Set(rows.filter((r) => r.hubspotId).map((r) => r.id));
      const pushed: PushedRecord[] = [];
      for (const outcome of outcomes) {
        result.writeCalls += outcome.writeCalls;
        result.readCalls += outcome.readCalls;
        for (const rejected of outcome.rejected) {
          failures.push({
            localId: rejected.localId,
            ...(rejected.hubspotId ? { hubspotId: rejected.hubspotId } : {}),
            operation: rejected.operation,
            category: rejected.category,
            message: rejected.message,
            ...(rejected.property ? { property: rejected.property } : {}),
          });
        }
        for (const success of outcome.succeeded) {
          pushed.push({
            localId: success.localId,
            fields: (plans.get(success.localId) as RecordPlan).fields,
            pushedAt,
            ...(knownIds.has(success.localId) ? {} : { hubspotId: success.hubspotId }),
            ...(success.hubspotAt === undefined
              ? {}
              : { hubspotAt: success.hubspotAt, hubspotUpdatedAt: success.hubspotAt }),
          });
        }
      }

      const recorded = await savePushOutcome(deps.prisma, {
        portalId,
        objectType: type,
        ...(input.workflowId ? { workflowId: input.workflowId } : {}),
        pushed,
        settled: settlement.settled,
        conflicts: settlement.conflicts,
        failures,
      });
      const failedIds = new Set(recorded.failures.map((f) => f.localId));
      for (const record of pushed) {
        if (failedIds.has(record.localId)) continue;
        if (record.hubspotId) result.created += 1;
        else result.updated += 1;
      }
      result.failed = failedIds.size;
      result.failures = recorded.failures.slice(0, FAILURES_REPORTED).map((f) => ({
        localId: f.localId,
        category: f.category,
        message: f.message,
        ...(f.property ? { property: f.property } : {}),
      }));

      const metric = deps.metrics.recordsPushed;
      if (result.created) metric.inc({ object_type: type, result: 'created' }, result.created);
      if (result.updated) metric.inc({ object_type: type, result: 'updated' }, result.updated);
      if (result.failed) metric.inc({ object_type: type, result: 'failed' }, result.failed);
      if (result.unchanged) metric.inc({ object_type: type, result: 'unchanged' }, result.unchanged);
      return result;
    },
  };
}

export interface PushBatchFailureInput {
  portalId: string;
  objectType: PushObjectType;
  localIds: string[];
  workflowId?: string;
  category: string;
  message: string;
}

/** Store-only: a batch HubSpot refused for good as a whole (auth, a malformed answer) becomes one failure per record. */
export function createPushStoreActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async recordPushBatchFailure(input: PushBatchFailureInput): Promise<void> {
      await prisma.syncFailure.createMany({
        data: input.localIds.map((localId) => ({
          portalId: input.portalId,
          objectType: input.objectType,
          localId,
          direction: 'outbound',
          operation: 'push',
          category: input.category,
          message: input.message,
          workflowId: input.workflowId ?? null,
        })),
      });
    },
  };
}

export type PushActivities = ReturnType<typeof createPushActivities>;
export type PushStoreActivities = ReturnType<typeof createPushStoreActivities>;
