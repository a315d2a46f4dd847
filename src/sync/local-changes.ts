// The unit of work of the push: "local record X of type T changed (these columns, or any)". Shared by the HTTP
// route, the TypeScript API, the outbox relay and the push workflow. Pure: safe inside Temporal workflows.
import type { CrmObjectType } from './object-types';

/** Types the platform can push; owners come from HubSpot's read-only owners API. */
export const PUSH_OBJECT_TYPES = [
  'contacts',
  'companies',
  'deals',
  'tasks',
  'tickets',
] as const satisfies readonly CrmObjectType[];
export type PushObjectType = (typeof PUSH_OBJECT_TYPES)[number];

export interface LocalChange {
  /** The platform row's id (uuid). */
  localId: string;
  /** Columns (Prisma field names) the platform changed; absent = consider every mapped column. */
  fields?: string[];
}

/** Two reports of one record: the union of their columns, or "any column" when either did not say. */
export function mergeFields(a: readonly string[] | null, b: readonly string[] | undefined | null): string[] | null {
  if (a === null || b === null || b === undefined) return null;
  return [...new Set([...a, ...b])];
}

export function isPushObjectType(value: string): value is PushObjectType {
  return (PUSH_OBJECT_TYPES as readonly string[]).includes(value);
}
