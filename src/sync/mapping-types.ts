// Shapes of a (validated) field mapping. Plain types, kept apart from the zod schema so that
// workflow code can use mappings without pulling zod into the workflow bundle.
import { type ObjectType } from './object-types';
import { type FieldTransform, type TransformName } from './transforms';

export const DIRECTIONS = ['both', 'toHubSpot', 'fromHubSpot'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const CONFLICT_POLICIES = ['newest', 'hubspot', 'platform'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export interface FieldMapping extends FieldTransform {
  /** Prisma model field, e.g. `firstName`. */
  readonly column: string;
  /** HubSpot property name, e.g. `firstname` (for owners: the owners API field). */
  readonly hubspotProperty: string;
  readonly direction: Direction;
  readonly transform: TransformName;
  /** 'enum' only: local value → HubSpot value. */
  readonly values?: Readonly<Record<string, string>>;
  readonly conflictPolicy: ConflictPolicy;
}

export interface ObjectMapping {
  readonly fields: readonly FieldMapping[];
  /** HubSpot property used as batch-upsert idProperty; absent → records are created. */
  readonly uniqueProperty?: string;
  /** Property whose value becomes the row's hubspotUpdatedAt. */
  readonly lastModifiedProperty: string;
}

export type MappingConfig = Readonly<Record<ObjectType, ObjectMapping>>;

export const readsFromHubSpot = (field: FieldMapping): boolean => field.direction !== 'toHubSpot';
export const writesToHubSpot = (field: FieldMapping): boolean => field.direction !== 'fromHubSpot';
