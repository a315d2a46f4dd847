// Custom object types (custom_object_types) and their records (custom_object_records): batched statements
// only. A record's write is guarded by HubSpot's modification time, so a late read never undoes a newer one;
// its properties are merged into what the row holds, as for the standard types' JSONB.
import type { Prisma } from '../generated/prisma/client';
import type { Db } from './prisma';

export interface CustomTypeRow {
  objectTypeId: string;
  name: string;
  properties: string[];
  associations: Array<{ fromObjectTypeId: string; toObjectTypeId: string }>;
  watermark: Date | null;
}

export interface CustomTypeDefinition {
  objectTypeId: string;
  name: string;
  fullyQualifiedName: string | null;
  labelSingular: string | null;
  labelPlural: string | null;
  primaryDisplayProperty: string | null;
  properties: string[];
  associations: Array<{ id: string; fromObjectTypeId: string; toObjectTypeId: string; name: string | null }>;
}

/**
 * Stores the schemas HubSpot listed (new ones inserted, known ones refreshed, their watermark kept). A type the
 * list no longer holds is left as it is, with its records: it is no longer synced, never taken for deleted.
 */
export async function saveCustomTypes(
  db: Db,
  portalId: string,
  types: readonly CustomTypeDefinition[],
  refreshedAt: Date,
): Promise<void> {
  if (types.length === 0) return;
  await db.$executeRawUnsafe(
    `INSERT INTO custom_object_types (portal_id, object_type_id, name, fully_qualified_name, label_singular, label_plural,
            primary_display_property, properties, associations, archived, refreshed_at)
     SELECT $1, x.object_type_id, x.name, x.fqn, x.singular, x.plural, x.primary_display,
            ARRAY(SELECT jsonb_array_elements_text(x.properties)), x.associations, false, $3::timestamptz
       FROM jsonb_to_recordset($2::jsonb) AS x(object_type_id text, name text, fqn text, singular text, plural text,
            primary_display text, properties jsonb, associations jsonb)
     ORDER BY x.object_type_id
     ON CONFLICT (portal_id, object_type_id) DO UPDATE
       SET name = EXCLUDED.name, fully_qualified_name = EXCLUDED.fully_qualified_name,
           label_singular = EXCLUDED.label_singular, label_plural = EXCLUDED.label_plural,
           primary_display_property = EXCLUDED.primary_display_property, properties = EXCLUDED.properties,
           associations = EXCLUDED.associations, archived = false, refreshed_at = EXCLUDED.refreshed_at`,
    portalId,
    JSON.stringify(
      types.map((t) => ({
        object_type_id: t.objectTypeId,
        name: t.name,
        fqn: t.fullyQualifiedName,
        singular: t.labelSingular,
        plural: t.labelPlural,
        primary_display: t.primaryDisplayProperty,
        properties: t.properties,
        associations: t.associations,
      })),
    ),
    refreshedAt.toISOString(),
  );
}

/** The portal's stored custom types, or only those named. */
export async function readCustomTypes(
  db: Db,
  portalId: string,
  objectTypeIds?: readonly string[],
): Promise<CustomTypeRow[]> {
  const rows = await db.customObjectType.findMany({
    where: { portalId, ...(objectTypeIds ? { objectTypeId: { in: [...objectTypeIds] } } : {}) },
    select: { objectTypeId: true, name: true, properties: true, associations: true, watermark: true },
    orderBy: { objectTypeId: 'asc' },
  });
  return rows.map((r) => ({ ...r, associations: r.associations as CustomTypeRow['associations'] }));
}

export async function advanceCustomWatermark(db: Db, portalId: string, objectTypeId: string, to: Date): Promise<void> {
  await db.customObjectType.updateMany({
    where: { portalId, objectTypeId, OR: [{ watermark: null }, { watermark: { lt: to } }] },
    data: { watermark: to },
  });
}

export interface CustomRecord {
  hubspotId: string;
  properties: Record<string, string | null>;
  archived: boolean;
  createdAt: Date | null;
  updatedAt: Date;
  archivedAt: Date | null;
}

export interface CustomApplyResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Inserts or updates records of one type; a row already holding what HubSpot sent is not written. */
export async function upsertCustomRecords(
  db: Db,
  scope: { portalId: string; objectTypeId: string },
  records: readonly CustomRecord[],
): Promise<CustomApplyResult> {
  if (records.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const latest = new Map<string, CustomRecord>();
  for (const r of records) {
    const held = latest.get(r.hubspotId);
    if (!held || held.updatedAt <= r.updatedAt) latest.set(r.hubspotId, r);
  }
  const rows = await db.$queryRawUnsafe<Array<{ inserted: boolean }>>(
    `INSERT INTO custom_object_records AS r (portal_id, object_type_id, hubspot_id, properties, archived, archived_at,
            hubspot_created_at, hubspot_updated_at, created_at, updated_at)
     SELECT $1, $2, x.id, x.properties, x.archived, x.archived_at, x.created_at, x.updated_at, now(), now()
       FROM jsonb_to_recordset($3::jsonb) AS x(id text, properties jsonb, archived boolean, archived_at timestamptz,
            created_at timestamptz, updated_at timestamptz)
     ORDER BY x.id
     ON CONFLICT (portal_id, object_type_id, hubspot_id) DO UPDATE
       SET properties = r.properties || EXCLUDED.properties, archived = EXCLUDED.archived,
           archived_at = EXCLUDED.archived_at, hubspot_created_at = COALESCE(EXCLUDED.hubspot_created_at, r.hubspot_created_at),
           hubspot_updated_at = EXCLUDED.hubspot_updated_at, updated_at = now()
     WHERE (r.hubspot_updated_at IS NULL OR r.hubspot_updated_at <= EXCLUDED.hubspot_updated_at)
       AND (r.properties || EXCLUDED.properties IS DISTINCT FROM r.properties OR r.archived IS DISTINCT FROM EXCLUDED.archived)
     RETURNING (xmax = 0) AS inserted`,
    scope.portalId,
    scope.objectTypeId,
    JSON.stringify(
      [...latest.values()].map((r) => ({
        id: r.hubspotId,
        properties: r.properties,
        archived: r.archived,
        archived_at: r.archivedAt?.toISOString() ?? null,
        created_at: r.createdAt?.toISOString() ?? null,
        updated_at: r.updatedAt.toISOString(),
      })),
    ),
  );
  const inserted = rows.filter((r) => r.inserted).length;
  return { inserted, updated: rows.length - inserted, unchanged: latest.size - rows.length };
}

/** Marks records archived (HubSpot's archived list, or a deletion it named); rows already archived stay as they are. */
export async function archiveCustomRecords(
  db: Db,
  scope: { portalId: string; objectTypeId: string },
  hubspotIds: readonly string[],
  at: Date,
): Promise<number> {
  if (hubspotIds.length === 0) return 0;
  return db.customObjectRecord
    .updateMany({
      where: {
        portalId: scope.portalId,
        objectTypeId: scope.objectTypeId,
        hubspotId: { in: [...hubspotIds] },
        archived: false,
      },
      data: { archived: true, archivedAt: at, updatedAt: new Date() },
    })
    .then((r) => r.count);
}

/** A page of a type's live records' ids, in id order after `after` (the association read's input). */
export async function liveCustomRecordIds(
  db: Db,
  scope: { portalId: string; objectTypeId: string; after?: string; limit: number },
): Promise<string[]> {
  const where: Prisma.CustomObjectRecordWhereInput = {
    portalId: scope.portalId,
    objectTypeId: scope.objectTypeId,
    archived: false,
    ...(scope.after === undefined ? {} : { hubspotId: { gt: scope.after } }),
  };
  const rows = await db.customObjectRecord.findMany({
    where,
    select: { hubspotId: true },
    orderBy: { hubspotId: 'asc' },
    take: scope.limit,
  });
  return rows.map((r) => r.hubspotId);
}
