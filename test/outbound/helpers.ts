// Shared steps of the push tests: report changes the way a platform does, read the simulator's counters.
import type { Stack } from '../support/stack';
import { pushWorkflowId } from '../../src/workflow-safe/ids';
import { pushStatusQuery, type PushStatus } from '../../workflows/outbound/push';

export interface Counters {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
}

const WRITE = /^(POST|PATCH|PUT|DELETE) \/crm\/v3\/objects\/[a-z]+(\/\{id\}|\/batch\/(create|update|upsert|archive))?$/;

/** HubSpot write calls (creates, updates, upserts, archives) among the counted requests. */
export function writeCalls(counters: Counters): number {
  return Object.entries(counters.byEndpoint).reduce(
    (sum, [endpoint, n]) => (WRITE.test(endpoint) && !endpoint.endsWith('/search') ? sum + n : sum),
    0,
  );
}

export const counters = (stack: Stack) => stack.sim<Counters>('GET', '/__sim/counters');
export const resetCounters = (stack: Stack) => stack.sim('DELETE', '/__sim/counters');

export async function postChanges(
  stack: Stack,
  body: unknown,
  key = stack.runtime.config.PLATFORM_API_KEY,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.appUrl}/platform/changes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function reportChanges(
  stack: Stack,
  objectType: string,
  localIds: readonly string[],
  fields?: string[],
): Promise<void> {
  for (let i = 0; i < localIds.length; i += 2_000) {
    const changes = localIds
      .slice(i, i + 2_000)
      .map((localId) => ({ objectType, localId, ...(fields ? { fields } : {}) }));
    const res = await postChanges(stack, { changes });
    if (res.status !== 202) throw new Error(`POST /platform/changes → ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

export async function pushStatus(
  stack: Stack,
  objectType: 'contacts' | 'companies' | 'deals' | 'tasks' | 'tickets',
): Promise<PushStatus> {
  return stack.temporal.workflow.getHandle(pushWorkflowId(stack.portalId, objectType)).query(pushStatusQuery);
}

export { waitFor } from '../support/wait';

export interface SimRecord {
  id: string;
  properties: Record<string, string | null>;
  archived: boolean;
}

export async function simContacts(stack: Stack): Promise<SimRecord[]> {
  const state = await stack.sim<{ objects: { contacts?: SimRecord[] } }>('GET', '/__sim/state?types=contacts');
  return state.objects.contacts ?? [];
}
