// The one registry of the object types hubsync keeps in sync and the facts about them that never vary per
// installation: HubSpot's ids and last-modified property, the platform table and its mappable columns, whether
// the platform can push the type. Every other list of types or columns is derived from it.
// Pure data: safe to import from Temporal workflows.

export interface ColumnSpec {
  /** Column name in PostgreSQL. */
  readonly sql: string;
  readonly type: 'text' | 'numeric' | 'timestamptz';
  /** numeric(precision, scale) as declared in prisma/schema.prisma. */
  readonly precision?: number;
  readonly scale?: number;
}

interface ObjectTypeSpec {
  /** crm: /crm/v3/objects; owners: the read-only owners API. */
  readonly api: 'crm' | 'owners';
  /** HubSpot objectTypeId, as sent by generic `object.*` webhooks (CRM objects only). */
  readonly hubspotTypeId: string | null;
  /** The property HubSpot sets on every change (contacts kept their legacy name). */
  readonly lastModifiedProperty: string;
  readonly table: string;
  /**
   * The typed columns of the Prisma model that a mapping may target, by Prisma field name. Bookkeeping columns
   * (id, hubspotId, properties, archived, …) are written by the sync itself and are deliberately not mappable.
   * test/store checks them against prisma/schema.prisma.
   */
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  /** Whether platform changes of this type are pushed to HubSpot. */
  readonly push: boolean;
  /** Properties HubSpot refuses to create a record without (each type's guide marks them "Required"). */
  readonly requiredOnCreate?: readonly string[];
  /**
   * The CRM types HubSpot associates this one with, whose associations hubsync reads and pushes (v4). Listing a
   * partner on either side is enough: the pairs are derived once, in canonical order (ASSOCIATION_PAIRS).
   */
  readonly associatesWith?: readonly string[];
}

const text = <S extends string>(sql: S) => ({ sql, type: 'text' }) as const;

/**
 * An engagement type: associated with the four record types, pushed, created only with its hs_timestamp
 * (required by each engagement's guide); every engagement has a timestamp and an owner besides `columns`.
 */
const engagement = <const T extends string, const I extends string, const C extends Record<string, ColumnSpec>>(
  table: T,
  hubspotTypeId: I,
  columns: C,
) =>
  ({
    api: 'crm',
    hubspotTypeId,
    lastModifiedProperty: 'hs_lastmodifieddate',
    table,
    push: true,
    associatesWith: ['contacts', 'companies', 'deals', 'tickets'],
    requiredOnCreate: ['hs_timestamp'],
    columns: { ...columns, timestamp: { sql: 'timestamp', type: 'timestamptz' }, ownerId: text('owner_id') },
  }) as const;

export const OBJECT_TYPE_REGISTRY = {
  contacts: {
    api: 'crm',
    hubspotTypeId: '0-1',
    lastModifiedProperty: 'lastmodifieddate',
    table: 'contacts',
    push: true,
    associatesWith: ['companies', 'deals', 'tickets', 'tasks'],
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
    api: 'crm',
    hubspotTypeId: '0-2',
    lastModifiedProperty: 'hs_lastmodifieddate',
    table: 'companies',
    push: true,
    associatesWith: ['deals', 'tickets', 'tasks'],
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
    api: 'crm',
    hubspotTypeId: '0-3',
    lastModifiedProperty: 'hs_lastmodifieddate',
    table: 'deals',
    push: true,
    associatesWith: ['tickets', 'tasks'],
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
    api: 'crm',
    hubspotTypeId: '0-27',
    lastModifiedProperty: 'hs_lastmodifieddate',
    table: 'tasks',
    push: true,
    requiredOnCreate: ['hs_timestamp'],
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
    api: 'crm',
    hubspotTypeId: '0-5',
    lastModifiedProperty: 'hs_lastmodifieddate',
    table: 'tickets',
    push: true,
    associatesWith: ['tasks'],
    columns: {
      subject: text('subject'),
      content: text('content'),
      stage: text('stage'),
      pipeline: text('pipeline'),
      priority: text('priority'),
      ownerId: text('owner_id'),
    },
  },
  // Products and line items (object type ids: developers.hubspot.com/docs/guides/crm/using-object-apis). A line
  // item's deal is an association (deal→line item), not a property: stored with the associations.
  products: {
    api: 'crm',
    hubspotTypeId: '0-7',
    lastModifiedProperty: 'hs_lastmodifieddate',
    table: 'products',
    push: false,
    columns: {
      name: text('name'),
      description: text('description'),
      sku: text('sku'),
      price: { sql: 'price', type: 'numeric', precision: 18, scale: 2 },
      ownerId: text('owner_id'),
    },
  },
  line_items: {
    api: 'crm',
    hubspotTypeId: '0-8',
    lastModifiedProperty: 'hs_lastmodifieddate',
    table: 'line_items',
    push: true,
    associatesWith: ['deals'],
    columns: {
      name: text('name'),
      productId: text('product_id'),
      quantity: { sql: 'quantity', type: 'numeric', precision: 18, scale: 4 },
      price: { sql: 'price', type: 'numeric', precision: 18, scale: 2 },
      amount: { sql: 'amount', type: 'numeric', precision: 18, scale: 2 },
      currency: text('currency'),
    },
  },
  // Engagements: one table each, with the columns a timeline needs (when, what, who); the `engagements` view
  // unions them (prisma/migrations/*_props_products_engagements).
  notes: engagement('notes', '0-46', { body: text('body') }),
  calls: engagement('calls', '0-48', {
    title: text('title'),
    body: text('body'),
    direction: text('direction'),
    status: text('status'),
    durationMs: { sql: 'duration_ms', type: 'numeric', precision: 18, scale: 0 },
  }),
  emails: engagement('emails', '0-49', {
    subject: text('subject'),
    body: text('body'),
    direction: text('direction'),
    status: text('status'),
  }),
  meetings: engagement('meetings', '0-47', {
    title: text('title'),
    body: text('body'),
    startTime: { sql: 'start_time', type: 'timestamptz' },
    endTime: { sql: 'end_time', type: 'timestamptz' },
    outcome: text('outcome'),
  }),
  owners: {
    api: 'owners',
    hubspotTypeId: null,
    lastModifiedProperty: 'updatedAt',
    table: 'owners',
    push: false,
    columns: {
      userId: text('user_id'),
      email: text('email'),
      firstName: text('first_name'),
      lastName: text('last_name'),
    },
  },
} as const satisfies Readonly<Record<string, ObjectTypeSpec>>;

type Registry = typeof OBJECT_TYPE_REGISTRY;
export type ObjectType = keyof Registry;
/** Types that are CRM objects (owners come from the read-only owners API, not /crm/v3/objects). */
export type CrmObjectType = { [K in ObjectType]: Registry[K]['api'] extends 'crm' ? K : never }[ObjectType];
/** Types the platform can push. */
export type PushObjectType = { [K in ObjectType]: Registry[K]['push'] extends true ? K : never }[ObjectType];

type NonEmpty<T> = readonly [T, ...T[]];
const typesWhere = <T extends ObjectType>(keep: (spec: ObjectTypeSpec) => boolean): NonEmpty<T> =>
  (Object.keys(OBJECT_TYPE_REGISTRY) as ObjectType[]).filter((type) =>
    keep(OBJECT_TYPE_REGISTRY[type]),
  ) as unknown as NonEmpty<T>;

export const OBJECT_TYPES: NonEmpty<ObjectType> = typesWhere(() => true);
export const CRM_OBJECT_TYPES: NonEmpty<CrmObjectType> = typesWhere((spec) => spec.api === 'crm');
export const PUSH_OBJECT_TYPES: NonEmpty<PushObjectType> = typesWhere((spec) => spec.push);

export function isObjectType(value: string): value is ObjectType {
  return (OBJECT_TYPES as readonly string[]).includes(value);
}

export function isPushObjectType(value: string): value is PushObjectType {
  return (PUSH_OBJECT_TYPES as readonly string[]).includes(value);
}

export function objectTypeSpec(type: ObjectType): ObjectTypeSpec {
  return OBJECT_TYPE_REGISTRY[type];
}

/** HubSpot objectTypeId, as sent by generic `object.*` webhooks. */
export const HUBSPOT_TYPE_IDS: Readonly<Record<CrmObjectType, string>> = Object.fromEntries(
  CRM_OBJECT_TYPES.map((type) => [type, OBJECT_TYPE_REGISTRY[type].hubspotTypeId]),
) as Record<CrmObjectType, string>;

/** HubSpot's last-modified property of each CRM type. */
export const LAST_MODIFIED_PROPERTY: Readonly<Record<CrmObjectType, string>> = Object.fromEntries(
  CRM_OBJECT_TYPES.map((type) => [type, OBJECT_TYPE_REGISTRY[type].lastModifiedProperty]),
) as Record<CrmObjectType, string>;

/** The Prisma field names a mapping may target, per type. */
export const MAPPABLE_COLUMNS: Readonly<Record<ObjectType, readonly string[]>> = Object.fromEntries(
  OBJECT_TYPES.map((type) => [type, Object.keys(OBJECT_TYPE_REGISTRY[type].columns)]),
) as unknown as Record<ObjectType, readonly string[]>;

/**
 * Every pair of CRM types hubsync keeps associations of, once, as [from, to] with from < to: the order the
 * associations table stores a pair in (src/sync/associations.ts), so each pair is read from one side only.
 */
export const ASSOCIATION_PAIRS: ReadonlyArray<readonly [CrmObjectType, CrmObjectType]> = (() => {
  const pairs = new Map<string, readonly [CrmObjectType, CrmObjectType]>();
  for (const type of CRM_OBJECT_TYPES) {
    const spec: ObjectTypeSpec = OBJECT_TYPE_REGISTRY[type];
    for (const partner of spec.associatesWith ?? []) {
      if (!(CRM_OBJECT_TYPES as readonly string[]).includes(partner) || partner === type) continue;
      const pair = (type < partner ? [type, partner] : [partner, type]) as [CrmObjectType, CrmObjectType];
      pairs.set(pair.join('|'), pair);
    }
  }
  return [...pairs.values()].sort((a, b) => (a.join('|') < b.join('|') ? -1 : 1));
})();

/** Whether hubsync keeps associations between the two types (either order). */
export function isAssociationPair(a: string, b: string): boolean {
  return ASSOCIATION_PAIRS.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/** The pairs whose both types are among `types` (a run that synced some types reads only their pairs). */
export function associationPairsWithin(types: readonly string[]): Array<[CrmObjectType, CrmObjectType]> {
  return ASSOCIATION_PAIRS.filter(([a, b]) => types.includes(a) && types.includes(b)).map(([a, b]) => [a, b]);
}
