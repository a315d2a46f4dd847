// Echo detection and push selection: the two guards against ping-pong between HubSpot and the platform.
// Pure: safe inside Temporal workflows.
import { changedSinceSync, fieldFingerprint, hasSyncHistory, type FieldState, type Instant } from './field-state';
import { normalizeForCompare, type TransformInput } from './transforms';

/** changeSource values HubSpot uses for writes made through the API by an app. */
export const API_CHANGE_SOURCES: ReadonlySet<string> = new Set(['INTEGRATION', 'API']);

export interface EchoInput {
  /** The property value the inbound change carries (HubSpot wire form). */
  readonly incomingValue: string | null;
  /** The field's bookkeeping; only `pushed` (absent when hubsync never pushed it) matters here. */
  readonly state: FieldState;
  readonly changeSource?: string | null;
  readonly sourceId?: string | null;
  /** Our HubSpot app id; without it, API-sourced events cannot be attributed to us. */
  readonly ourAppId?: string | null;
  /** How to normalise before fingerprinting (default 'string'): must match the one used when pushing. */
  readonly transform?: TransformInput;
}

const present = (text: string | null | undefined): text is string => text !== null && text !== undefined && text !== '';

// HubSpot has sent both a bare app id and a "kind:id" form in sourceId; accept either.
function namesOurApp(sourceId: string | null | undefined, ourAppId: string | null | undefined): boolean {
  if (!present(sourceId) || !present(ourAppId)) return false;
  return sourceId === ourAppId || sourceId.endsWith(`:${ourAppId}`);
}

/**
 * An inbound change is the echo of our own push when
 *   1. its value's fingerprint equals the fingerprint hubsync last pushed for that field, AND
 *   2. either the event says it came from an app through the API (changeSource INTEGRATION/API) with a
 *      sourceId naming OUR app, or it carries no source information at all (the hourly search and
 *      full fetches do not say who changed a property; then the value alone decides).
 * A user who types exactly the value we pushed is therefore not an echo when the webhook says CRM_UI —
 * harmless either way, since the value is the same. Echoes are dropped: applying them could overwrite
 * a newer local edit with the value we ourselves sent earlier.
 */
export function isEcho(input: EchoInput): boolean {
  const pushed = input.state.pushed;
  if (!present(pushed)) return false;
  if (fieldFingerprint(input.transform ?? 'string', input.incomingValue) !== pushed) return false;
  if (!present(input.changeSource) && !present(input.sourceId)) return true;
  return (
    present(input.changeSource) &&
    API_CHANGE_SOURCES.has(input.changeSource) &&
    namesOurApp(input.sourceId, input.ourAppId)
  );
}

/**
 * A change HubSpot attributes to our own app through the API: the echo of a push. Associations have no value to
 * fingerprint, so this alone marks their echoes; the push stored the state before its webhooks come back.
 */
export function isOwnWrite(
  changeSource: string | null | undefined,
  sourceId: string | null | undefined,
  ourAppId: string | null | undefined,
): boolean {
  return present(changeSource) && API_CHANGE_SOURCES.has(changeSource) && namesOurApp(sourceId, ourAppId);
}

export interface PushDecisionInput {
  /** The local value (typed column value or its HubSpot wire form: both normalise the same). */
  readonly currentLocalValue: unknown;
  /** The field's bookkeeping; with its push/pull times a revert to an older synced value is still pushed. */
  readonly state: FieldState;
  readonly transform?: TransformInput;
  readonly localChangedAt?: Instant;
}

/**
 * Push a field only when the platform changed it since the last sync: its value is neither what we
 * last pushed (already there) nor what we last pulled from HubSpot (pushing that back is ping-pong).
 * With push/pull times known, only the more recent of the two counts (see changedSinceSync), so
 * A→B→A on the platform still reaches HubSpot. An empty field with no sync history is not pushed:
 * on an upsert matched by email it would wipe a value HubSpot already has.
 */
export function shouldPushField(input: PushDecisionInput): boolean {
  const transform = input.transform ?? 'string';
  if (!hasSyncHistory(input.state) && normalizeForCompare(transform, input.currentLocalValue) === null) return false;
  return changedSinceSync(fieldFingerprint(transform, input.currentLocalValue), input.localChangedAt, input.state);
}
