// Accumulates the webhook events of ONE object and drains them into a plan. HubSpot delivers out of
// order and more than once, so every rule below is "newest wins" with a deterministic tie-break, or a
// union: the plan depends only on the SET of events, not on their order or repetition.
// Runs inside Temporal workflows: no node:* imports, no clock, no randomness; state is plain JSON so
// a workflow can carry it across continue-as-new (snapshot()/fromSnapshot()).
import { eventKind, type HubSpotWebhookEvent } from './events';
import { valueFingerprint } from './fingerprint';

export interface PlannedProperty {
  readonly value: string | null;
  readonly occurredAt: number;
  readonly sourceId?: string;
  readonly changeSource?: string;
}

export interface PlannedMerge {
  readonly primaryObjectId: string;
  /** Union of the ids merged into this object by every pending merge event, sorted. */
  readonly mergedObjectIds: string[];
  readonly newObjectId: string;
}

export interface PlannedAssociation {
  readonly associationType: string;
  readonly fromObjectId: string;
  readonly toObjectId: string;
  readonly removed: boolean;
  readonly occurredAt: number;
  /** Generic events only: HubSpot's type id as seen from the reporting end, and its category. */
  readonly associationTypeId?: number;
  readonly associationCategory?: string;
  /** Who made the change: our own push's echo is recognised by these. */
  readonly changeSource?: string;
  readonly sourceId?: string;
}

export type Lifecycle = 'archived' | 'active' | 'privacyDeleted';

export interface DrainPlan {
  /** A creation, restore or merge is pending and the object is not (privacy-)deleted: re-read it whole. */
  readonly needsFullFetch: boolean;
  readonly properties: Record<string, PlannedProperty>;
  readonly lifecycle: Lifecycle | undefined;
  readonly merge?: PlannedMerge;
  /** Sorted by (associationType, fromObjectId, toObjectId). */
  readonly associations: PlannedAssociation[];
}

/** Tie-break for events with the same occurredAt: a hash of the event minus its delivery attempt. */
type Ranked<T> = T & { readonly rank: string };

interface Applied {
  /** Per property: occurredAt of the newest change already drained. Older or equal changes are stale. */
  properties: Record<string, number>;
  /** occurredAt of the newest creation/restore/deletion already drained. */
  lifecycle?: number;
  merge?: number;
  associations: Record<string, number>;
  /** Once erased, nothing about the object may be written again (only merges it made still go through). */
  privacyDeleted?: boolean;
}

export interface PendingSnapshot {
  readonly properties: Record<string, Ranked<PlannedProperty>>;
  readonly deletedAt?: number;
  readonly activatedAt?: number;
  readonly privacyDeletion: boolean;
  readonly fullFetch: boolean;
  readonly merge?: Ranked<PlannedMerge & { occurredAt: number }>;
  readonly associations: Record<string, Ranked<PlannedAssociation>>;
  readonly applied: Applied;
}

const emptyApplied = (): Applied => ({ properties: {}, associations: {} });

function eventRank(event: HubSpotWebhookEvent): string {
  const { attemptNumber: _attempt, ...identity } = event;
  const keys = Object.keys(identity).sort();
  return valueFingerprint(JSON.stringify(identity, keys));
}

// Total order: occurredAt, then rank. Equal under it means the same event, redelivered.
const isNewer = (
  candidate: { occurredAt: number; rank: string },
  current: { occurredAt: number; rank: string } | undefined,
): boolean =>
  current === undefined ||
  candidate.occurredAt > current.occurredAt ||
  (candidate.occurredAt === current.occurredAt && candidate.rank > current.rank);

const maxOf = (a: number | undefined, b: number): number => (a === undefined ? b : Math.max(a, b));

const idOrder = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

export class PendingChanges {
  private state: PendingSnapshot;

  /** Pass the previous run's snapshot() to continue after continue-as-new. */
  constructor(snapshot?: PendingSnapshot) {
    this.state = snapshot ? structuredCopy(snapshot) : PendingChanges.empty(emptyApplied());
  }

  private static empty(applied: Applied): PendingSnapshot {
    return { properties: {}, privacyDeletion: false, fullFetch: false, associations: {}, applied };
  }

  get isEmpty(): boolean {
    const s = this.state;
    return (
      Object.keys(s.properties).length === 0 &&
      Object.keys(s.associations).length === 0 &&
      s.deletedAt === undefined &&
      s.activatedAt === undefined &&
      !s.privacyDeletion &&
      !s.fullFetch &&
      s.merge === undefined
    );
  }

  /** Adds one event; returns false when it is stale (already superseded by a drained change) or unhandled. */
  add(event: HubSpotWebhookEvent): boolean {
    const kind = eventKind(event);
    const s = this.state as Mutable<PendingSnapshot>;
    const { applied } = s;
    // A merge made before the erasure but delivered after it still counts: the records it absorbed must go
    // down locally, and nothing else will say so (an erased survivor lists its merged ids nowhere).
    if (kind === undefined || (applied.privacyDeleted && kind !== 'privacyDeletion' && kind !== 'merge')) return false;
    const at = event.occurredAt;
    switch (kind) {
      case 'propertyChange': {
        const name = event.propertyName;
        if (name === undefined || at <= (applied.properties[name] ?? -Infinity)) return false;
        const candidate: Ranked<PlannedProperty> = {
          value: event.propertyValue ?? null,
          occurredAt: at,
          rank: eventRank(event),
          ...(event.sourceId === undefined ? {} : { sourceId: event.sourceId }),
          ...(event.changeSource === undefined ? {} : { changeSource: event.changeSource }),
        };
        if (isNewer(candidate, s.properties[name])) s.properties[name] = candidate;
        return true;
      }
      case 'privacyDeletion':
        // Never filtered by time: HubSpot sends it together with a plain deletion of the same instant.
        s.privacyDeletion = true;
        return true;
      case 'creation':
      case 'restore':
      case 'deletion':
        if (at <= (applied.lifecycle ?? -Infinity)) return false;
        if (kind === 'deletion') s.deletedAt = maxOf(s.deletedAt, at);
        else {
          s.activatedAt = maxOf(s.activatedAt, at);
          s.fullFetch = true;
        }
        return true;
      case 'merge':
        return this.addMerge(event);
      case 'associationChange':
        return this.addAssociation(event);
    }
  }

  addAll(events: Iterable<HubSpotWebhookEvent>): this {
    for (const event of events) this.add(event);
    return this;
  }

  private addMerge(event: HubSpotWebhookEvent): boolean {
    const s = this.state as Mutable<PendingSnapshot>;
    if (event.occurredAt <= (s.applied.merge ?? -Infinity)) return false;
    const merged = new Set([...(s.merge?.mergedObjectIds ?? []), ...(event.mergedObjectIds ?? []).map(String)]);
    const candidate = {
      primaryObjectId: String(event.primaryObjectId ?? event.objectId),
      newObjectId: String(event.newObjectId ?? event.primaryObjectId ?? event.objectId),
      occurredAt: event.occurredAt,
      rank: eventRank(event),
    };
    const newest = isNewer(candidate, s.merge) ? candidate : (s.merge ?? candidate);
    s.merge = {
      primaryObjectId: newest.primaryObjectId,
      newObjectId: newest.newObjectId,
      occurredAt: newest.occurredAt,
      rank: newest.rank,
      mergedObjectIds: [...merged].sort(idOrder),
    };
    // An erased record has nothing left to read.
    if (!s.applied.privacyDeleted) s.fullFetch = true;
    return true;
  }

  private addAssociation(event: HubSpotWebhookEvent): boolean {
    const s = this.state as Mutable<PendingSnapshot>;
    if (event.associationType === undefined || event.fromObjectId === undefined || event.toObjectId === undefined)
      return false;
    const key = associationKey(
      event.associationType,
      String(event.fromObjectId),
      String(event.toObjectId),
      event.associationTypeId,
    );
    if (event.occurredAt <= (s.applied.associations[key] ?? -Infinity)) return false;
    const candidate: Ranked<PlannedAssociation> = {
      associationType: event.associationType,
      fromObjectId: String(event.fromObjectId),
      toObjectId: String(event.toObjectId),
      removed: event.associationRemoved === true,
      occurredAt: event.occurredAt,
      ...(event.associationTypeId === undefined ? {} : { associationTypeId: event.associationTypeId }),
      ...(event.associationCategory === undefined ? {} : { associationCategory: event.associationCategory }),
      ...(event.changeSource === undefined ? {} : { changeSource: event.changeSource }),
      ...(event.sourceId === undefined ? {} : { sourceId: event.sourceId }),
      rank: eventRank(event),
    };
    if (isNewer(candidate, s.associations[key])) s.associations[key] = candidate;
    return true;
  }

  /**
   * The plan for everything pending, after which pending is cleared and the drained times are remembered
   * so redelivered or late older events are ignored. Lifecycle: the newest deletion against the newest
   * creation/restore, deletion winning a tie (a fetch would see the deletion anyway); a privacy deletion
   * is final and suppresses every other change, so erased data is never written back.
   */
  drain(): DrainPlan {
    const s = this.state;
    const applied: Applied = structuredCopy(s.applied);
    let plan: DrainPlan;
    let merge: PlannedMerge | undefined;
    if (s.merge) {
      const { rank: _rank, occurredAt, ...rest } = s.merge;
      merge = rest;
      applied.merge = occurredAt;
    }
    if (s.privacyDeletion) {
      applied.privacyDeleted = true;
      // A merge drained with the erasure is kept: the records merged into the erased one go with it.
      plan = {
        needsFullFetch: false,
        properties: {},
        lifecycle: 'privacyDeleted',
        ...(merge ? { merge } : {}),
        associations: [],
      };
    } else {
      const lifecycle =
        s.deletedAt === undefined && s.activatedAt === undefined
          ? undefined
          : (s.deletedAt ?? -Infinity) >= (s.activatedAt ?? -Infinity)
            ? 'archived'
            : 'active';
      const properties: Record<string, PlannedProperty> = {};
      for (const name of Object.keys(s.properties).sort()) {
        const { rank: _rank, ...change } = s.properties[name]!;
        properties[name] = change;
        applied.properties[name] = change.occurredAt;
      }
      const associations = Object.keys(s.associations)
        .sort()
        .map((key) => {
          const { rank: _rank, ...change } = s.associations[key]!;
          applied.associations[key] = change.occurredAt;
          return change;
        });
      for (const at of [s.deletedAt, s.activatedAt])
        if (at !== undefined) applied.lifecycle = maxOf(applied.lifecycle, at);
      plan = {
        needsFullFetch: s.fullFetch && lifecycle !== 'archived',
        properties,
        lifecycle,
        ...(merge ? { merge } : {}),
        associations,
      };
    }
    this.state = PendingChanges.empty(applied);
    return plan;
  }

  /** Plain-JSON state (pending events and drained times) for continue-as-new. */
  snapshot(): PendingSnapshot {
    return structuredCopy(this.state);
  }
}

/** One-shot helper: the plan for a batch of events, given an optional previous snapshot. */
export function planFor(events: Iterable<HubSpotWebhookEvent>, snapshot?: PendingSnapshot): DrainPlan {
  return new PendingChanges(snapshot).addAll(events).drain();
}

// Each association type of a pair is its own fact (a label's add and the unlabelled one's removal differ).
const associationKey = (type: string, from: string, to: string, typeId: number | undefined): string =>
  typeId === undefined ? `${type}|${from}|${to}` : `${type}|${from}|${to}|${typeId}`;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// JSON round trip rather than structuredClone: the state is plain JSON by design and this keeps that
// honest (an undefined or a Map sneaking in would be lost here in tests, not after continue-as-new).
function structuredCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
