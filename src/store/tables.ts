import { objectTypeSpec, type ColumnSpec, type ObjectType } from '../sync/object-types';

// The SQL shape of the platform tables, for the batched statements Prisma's model API cannot express
// (one INSERT … ON CONFLICT per page), read from the object-type registry.

export type { ColumnSpec } from '../sync/object-types';

export interface TableSpec {
  table: string;
  /** Typed, mappable columns by their Prisma field name. */
  columns: Readonly<Record<string, ColumnSpec>>;
}

export function tableFor(objectType: ObjectType): TableSpec {
  const { table, columns } = objectTypeSpec(objectType);
  return { table, columns };
}
