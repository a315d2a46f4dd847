// What record and association reports share on their way to a push workflow: each report's portal (the default
// one unless it names its own), and signalWithStart in chunks, each with a bounded wait.
import type { Client } from '@temporalio/client';
import { TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import { portalPriority, PUSH_PRIORITY } from '../workflow-safe/priorities';
import type { PushStartOptions } from '../workflow-safe/push-options';
import { PortalIdKey, SyncDirectionKey, SyncTriggerKey } from '../workflow-safe/search-attributes';

// Keeps each signal's payload far below Temporal's 2 MB limit (an entry is ~100 bytes with a few columns).
export const SIGNAL_CHUNK = 2_000;
export const SIGNAL_DEADLINE_MS = 5_000;

/** A report that names no portal where there is no default one (public-app mode). */
export class PortalRequiredError extends Error {
  override readonly name = 'PortalRequiredError';
}

/** A report for a portal this deployment does not serve (not installed, or not active). */
export class UnknownPortalError extends Error {
  override readonly name = 'UnknownPortalError';
}

export interface PortalCheck {
  /** The portals reports may be for (installed and active); absent: any. */
  servedPortals?: ReadonlySet<string>;
}

/**
 * Groups reports by `keyOf(portal, report)`, each report's portal being its own or `defaultPortalId`. Throws,
 * naming the first such report (`<list>[i].portalId`): PortalRequiredError when it has none, UnknownPortalError
 * when its portal is not served.
 */
export function groupByPortal<R extends { portalId?: string | undefined }, K extends string>(
  list: 'changes' | 'associations',
  reports: readonly R[],
  defaultPortalId: string,
  keyOf: (portalId: string, report: R) => K,
  check: PortalCheck = {},
): Map<K, { portalId: string; reports: R[] }> {
  const groups = new Map<K, { portalId: string; reports: R[] }>();
  for (const [i, report] of reports.entries()) {
    const portalId = report.portalId || defaultPortalId;
    if (!portalId)
      throw new PortalRequiredError(`${list}[${i}].portalId: required (public-app mode serves many portals)`);
    if (check.servedPortals && !check.servedPortals.has(portalId))
      throw new UnknownPortalError(`${list}[${i}].portalId: portal ${portalId} is not installed here (or not active)`);
    const key = keyOf(portalId, report);
    const group = groups.get(key) ?? { portalId, reports: [] };
    group.reports.push(report);
    groups.set(key, group);
  }
  return groups;
}

/**
 * Sends `items` in chunks of SIGNAL_CHUNK, one signalWithStart each (`send`), each within SIGNAL_DEADLINE_MS: the
 * caller (an HTTP request, a relay holding row locks) must learn "not accepted" promptly.
 */
export async function signalInChunks<T>(
  client: Client,
  items: readonly T[],
  send: (chunk: T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < items.length; i += SIGNAL_CHUNK)
    await client.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => send(items.slice(i, i + SIGNAL_CHUNK)));
}

/**
 * What every push workflow's signalWithStart names besides its signal: its id and queue, the portal's priority,
 * and the search attributes of an outbound push (`extra`: more of them, e.g. the object type).
 */
export function pushWorkflowStart(
  workflowId: string,
  portalId: string,
  options: PushStartOptions,
  extra: SearchAttributePair[] = [],
) {
  return {
    workflowId,
    taskQueue: options.taskQueue,
    priority: portalPriority(portalId, PUSH_PRIORITY),
    typedSearchAttributes: new TypedSearchAttributes([
      { key: SyncDirectionKey, value: 'outbound' },
      { key: SyncTriggerKey, value: 'push' },
      { key: PortalIdKey, value: portalId },
      ...extra,
    ]),
  };
}
