import type { ObjectType } from '../sync/object-types';

// The SQL shape of the platform tables, for the batched statements Prisma's model API cannot express
// (one INSERT … ON CONFLICT per page). Keep in step with prisma/schema.prisma; test/store checks it.

export interface ColumnSpec {
  sql: string;
  type: 'text' | 'numeric' | 'timestamptz';
  /** numeric(precision, scale) as declared in prisma/schema.prisma. */
  precision?: number;
  scale?: number;
}

export interface TableSpec {
  table: string;
  /** Typed, mappable columns by their Prisma field name. */
  columns: Readonly<Record<string, ColumnSpec>>;
}

const text = (sql: string): ColumnSpec => ({ sql, type: 'text' });

const TABLES: Readonly<Record<ObjectType, TableSpec>> = {
  contacts: {
    table: 'contacts',
    columns: {
      email: text('email'),
      firstName: text('first_name'),
      lastName: text('last_name'),
      phone: text('phone'),
      jobTitle: text('job_title'),
      lifecycleStage: text('lifecycle_stage'),
      ownerId: text('owner_id'),
    },
  },
  companies: {
    table: 'companies',
    columns: {
      name: text('name'),
      domain: text('domain'),
      phone: text('phone'),
      industry: text('industry'),
      city: text('city'),
      country: text('country'),
      ownerId: text('owner_id'),
    },
  },
  deals: {
    table: 'deals',
    columns: {
      name: text('name'),
      stage: text('stage'),
      pipeline: text('pipeline'),
      amount: { sql: 'amount', type: 'numeric', precision: 18, scale: 2 },
      closeDate: { sql: 'close_date', type: 'timestamptz' },
      ownerId: text('owner_id'),
    },
  },
  tasks: {
    table: 'tasks',
    columns: {
      subject: text('subject'),
      body: text('body'),
      status: text('status'),
      priority: text('priority'),
      dueDate: { sql: 'due_date', type: 'timestamptz' },
      ownerId: text('owner_id'),
    },
  },
  tickets: {
    table: 'tickets',
    columns: {
      subject: text('subject'),
      content: text('content'),
      stage: text('stage'),
      pipeline: text('pipeline'),
      priority: text('priority'),
      ownerId: text('owner_id'),
    },
  },
  owners: {
    table: 'owners',
    columns: {
      userId: text('user_id'),
      email: text('email'),
      firstName: text('first_name'),
      lastName: text('last_name'),
    },
  },
};

export function tableFor(objectType: ObjectType): TableSpec {
  return TABLES[objectType];
}
