// "Has this side changed the field since we last synced it?" — the one question echo detection,
// push selection and conflict resolution all ask, answered against FieldSyncState's bookkeeping.
// Pure: safe inside Temporal workflows.
import { valueFingerprint } from './fingerprint';
import { normalizeForCompare, type TransformInput } from './transforms';

/** What FieldSyncState remembers about one field (times as epoch ms or Date; absent = unknown). */
export interface SyncBase {
  /** Fingerprint of the value hubsync last wrote to HubSpot (pushedHash). */
  readonly lastPushedFingerprint?: string | null;
  /** Fingerprint of the value hubsync last read from HubSpot and applied locally (pulledHash). */
  readonly lastPulledFingerprint?: string | null;
  readonly lastPushedAt?: number | Date | null;
  readonly lastPulledAt?: number | Date | null;
}

/** What a row's sync_state remembers of one HubSpot property (fingerprints; times as epoch ms). */
export interface FieldState {
  pushed?: string;
  pushedAt?: number;
  pulled?: string;
  pulledAt?: number;
  hubspotAt?: number;
}
export type SyncState = Record<string, FieldState>;

export type Instant = number | Date | null | undefined;

export function toEpochMs(at: Instant): number | undefined {
  if (at === null || at === undefined) return undefined;
  const ms = at instanceof Date ? at.getTime() : at;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Fingerprint of a field value in canonical form; local typed values and HubSpot strings agree. */
export function fieldFingerprint(transform: TransformInput, value: unknown): string {
  return valueFingerprint(normalizeForCompare(transform, value));
}

export function hasSyncHistory(base: SyncBase): boolean {
  return Boolean(base.lastPushedFingerprint) || Boolean(base.lastPulledFingerprint);
}

/**
 * The fingerprint both sides agreed on most recently: the later of the last push and the last pull.
 * Undefined when there is no history, or when both exist and their order is unknown or tied.
 */
export function latestSyncedFingerprint(base: SyncBase): string | undefined {
  const pushed = base.lastPushedFingerprint || undefined;
  const pulled = base.lastPulledFingerprint || undefined;
  if (!pushed || !pulled) return pushed ?? pulled;
  const pushedAt = toEpochMs(base.lastPushedAt);
  const pulledAt = toEpochMs(base.lastPulledAt);
  if (pushedAt === undefined || pulledAt === undefined || pushedAt === pulledAt) return undefined;
  return pushedAt > pulledAt ? pushed : pulled;
}

/**
 * Whether a side's current value is a change made since the last sync.
 * - No history: any value is a change.
 * - Equal to the most recent synced value: no change.
 * - Equal only to the OLDER of pushed/pulled: a change only when `changedAt` is known to be later than
 *   the most recent sync — that is a genuine revert (stage A→B pushed, then back to A). Without a time it
 *   is taken as a stale read or a late echo, the safer reading: it never overwrites newer data.
 *   When the order of push and pull is unknown, matching either counts as "no change".
 * - Equal to neither: a change.
 */
export function changedSinceSync(fingerprint: string, changedAt: Instant, base: SyncBase): boolean {
  const pushed = base.lastPushedFingerprint || undefined;
  const pulled = base.lastPulledFingerprint || undefined;
  if (!pushed && !pulled) return true;
  if (fingerprint !== pushed && fingerprint !== pulled) return true;
  const latest = latestSyncedFingerprint(base);
  if (latest === undefined || fingerprint === latest) return false;
  const changed = toEpochMs(changedAt);
  const latestAt = Math.max(toEpochMs(base.lastPushedAt) ?? -Infinity, toEpochMs(base.lastPulledAt) ?? -Infinity);
  return changed !== undefined && changed > latestAt;
}
