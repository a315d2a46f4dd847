// "Has this side changed the field since we last synced it?" — the one question echo detection,
// push selection and conflict resolution all ask, answered against a field's FieldState.
// Pure: safe inside Temporal workflows.
import { valueFingerprint } from './fingerprint';
import { normalizeForCompare, type TransformInput } from './transforms';

/**
 * What hubsync remembers about one field of one row: persisted per HubSpot property in the row's `sync_state`
 * JSONB, so the key names are part of the stored format. Times are epoch ms; absent = unknown / never.
 */
export interface FieldState {
  /** Fingerprint of the value hubsync last wrote to HubSpot. */
  pushed?: string;
  pushedAt?: number;
  /** Fingerprint of the value hubsync last read from HubSpot and applied locally. */
  pulled?: string;
  pulledAt?: number;
  /** HubSpot's change time of the newest value seen for the field: an inbound value older than it is stale. */
  hubspotAt?: number;
}

/** A row's FieldStates by HubSpot property. */
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

export function hasSyncHistory(state: FieldState): boolean {
  return Boolean(state.pushed) || Boolean(state.pulled);
}

/**
 * The fingerprint both sides agreed on most recently: the later of the last push and the last pull.
 * Undefined when there is no history, or when both exist and their order is unknown or tied.
 */
export function latestSyncedFingerprint(state: FieldState): string | undefined {
  const pushed = state.pushed || undefined;
  const pulled = state.pulled || undefined;
  if (!pushed || !pulled) return pushed ?? pulled;
  const pushedAt = toEpochMs(state.pushedAt);
  const pulledAt = toEpochMs(state.pulledAt);
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
export function changedSinceSync(fingerprint: string, changedAt: Instant, state: FieldState): boolean {
  const pushed = state.pushed || undefined;
  const pulled = state.pulled || undefined;
  if (!pushed && !pulled) return true;
  if (fingerprint !== pushed && fingerprint !== pulled) return true;
  const latest = latestSyncedFingerprint(state);
  if (latest === undefined || fingerprint === latest) return false;
  const changed = toEpochMs(changedAt);
  const latestAt = Math.max(toEpochMs(state.pushedAt) ?? -Infinity, toEpochMs(state.pulledAt) ?? -Infinity);
  return changed !== undefined && changed > latestAt;
}
