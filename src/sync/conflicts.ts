// Per-field conflict resolution between the platform's value and HubSpot's. Pure: safe in workflows.
import {
  changedSinceSync,
  fieldFingerprint,
  hasSyncHistory,
  latestSyncedFingerprint,
  toEpochMs,
  type Instant,
  type FieldState,
} from './field-state';
import { type ConflictPolicy } from './mapping-types';
import { type TransformInput } from './transforms';

export type Winner = 'hubspot' | 'platform';

export interface ConflictSide {
  /** HubSpot wire form (convert a local column value with toHubSpotValue first). */
  readonly value: string | null;
  /** When this side last changed the field (local: localChangedAt/updatedAt; HubSpot: occurredAt or history timestamp). */
  readonly changedAt?: Instant;
}

export interface ConflictInput {
  readonly policy: ConflictPolicy;
  readonly local: ConflictSide;
  readonly hubspot: ConflictSide;
  /** The field's bookkeeping: what both sides agreed on last. */
  readonly base: FieldState;
  readonly transform?: TransformInput;
}

export interface ConflictResolution {
  /** True only when both sides changed the field since the last sync to different values. */
  readonly conflict: boolean;
  readonly winner: Winner;
  /** The winning side's value, in HubSpot wire form. */
  readonly value: string | null;
  readonly localChanged: boolean;
  readonly hubspotChanged: boolean;
}

/**
 * - Local changed ⇔ its value is not the value last synced (changedSinceSync over pushed/pulled).
 * - HubSpot changed ⇔ the same test (but an empty value with no sync history is no change); so a HubSpot value equal to what we last pushed (our own echo)
 *   is not a HubSpot change, unless HubSpot's changedAt proves it was set again after a later pull.
 * - Conflict ⇔ both changed and the values differ (normalised). Then the policy decides:
 *   'hubspot' / 'platform' fixed; 'newest' the later changedAt, and HubSpot on a tie or when either
 *   time is unknown — HubSpot's times are server-assigned and its copy is the one colleagues see, and
 *   taking it costs no API call and cannot be refused by HubSpot's validation.
 * - No conflict: the side that changed wins. When neither did but the values differ (a stale read),
 *   the side holding the most recently synced value wins; HubSpot when that cannot be told.
 */
export function resolveFieldConflict(input: ConflictInput): ConflictResolution {
  const transform = input.transform ?? 'string';
  const localFp = fieldFingerprint(transform, input.local.value);
  const hubspotFp = fieldFingerprint(transform, input.hubspot.value);
  const localChanged = changedSinceSync(localFp, input.local.changedAt, input.base);
  // A field hubsync never synced and HubSpot never filled was not changed there: an empty HubSpot value
  // must not contest (under policy 'hubspot', erase) a value the platform set before its first push.
  const hubspotNeverSet = !hasSyncHistory(input.base) && hubspotFp === fieldFingerprint(transform, null);
  const hubspotChanged = !hubspotNeverSet && changedSinceSync(hubspotFp, input.hubspot.changedAt, input.base);
  const decide = (winner: Winner, conflict = false): ConflictResolution => ({
    conflict,
    winner,
    value: winner === 'hubspot' ? input.hubspot.value : input.local.value,
    localChanged,
    hubspotChanged,
  });

  if (localFp === hubspotFp) return decide('hubspot');
  if (localChanged && hubspotChanged) return decide(policyWinner(input), true);
  if (localChanged) return decide('platform');
  if (hubspotChanged) return decide('hubspot');
  return decide(latestSyncedFingerprint(input.base) === localFp ? 'platform' : 'hubspot');
}

function policyWinner({ policy, local, hubspot }: ConflictInput): Winner {
  if (policy !== 'newest') return policy;
  const localAt = toEpochMs(local.changedAt);
  const hubspotAt = toEpochMs(hubspot.changedAt);
  if (localAt === undefined || hubspotAt === undefined) return 'hubspot';
  return localAt > hubspotAt ? 'platform' : 'hubspot';
}
