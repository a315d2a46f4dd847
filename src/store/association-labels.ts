// The association label definitions HubSpot lists per direction, kept per portal: replaced whole for a direction
// on each sync run (a label deleted in HubSpot disappears), read by the platform API to check the labels it is
// given and by the push to send their type ids.
import type { Db } from './prisma';

export interface StoredAssociationLabel {
  fromType: string;
  toType: string;
  typeId: number;
  category: string;
  label: string | null;
}

export async function replaceAssociationLabels(
  db: Db,
  portalId: string,
  fromType: string,
  toType: string,
  labels: ReadonlyArray<Pick<StoredAssociationLabel, 'typeId' | 'category' | 'label'>>,
): Promise<void> {
  await db.$executeRawUnsafe(
    `DELETE FROM association_labels WHERE portal_id = $1 AND from_type = $2 AND to_type = $3
        AND NOT (type_id = ANY($4::int[]))`,
    portalId,
    fromType,
    toType,
    labels.map((l) => l.typeId),
  );
  if (labels.length === 0) return;
  await db.$executeRawUnsafe(
    `INSERT INTO association_labels (portal_id, from_type, to_type, type_id, category, label, refreshed_at)
     SELECT $1, $2, $3, x.type_id, x.category, x.label, now()
       FROM jsonb_to_recordset($4::jsonb) AS x(type_id int, category text, label text)
     ON CONFLICT (portal_id, from_type, to_type, type_id) DO UPDATE
       SET category = EXCLUDED.category, label = EXCLUDED.label, refreshed_at = now()`,
    portalId,
    fromType,
    toType,
    JSON.stringify(labels.map((l) => ({ type_id: l.typeId, category: l.category, label: l.label }))),
  );
}

export async function loadAssociationLabels(db: Db, portalId: string): Promise<StoredAssociationLabel[]> {
  const rows = await db.$queryRawUnsafe<
    Array<{ from_type: string; to_type: string; type_id: number; category: string; label: string | null }>
  >(
    `SELECT from_type, to_type, type_id, category, label FROM association_labels WHERE portal_id = $1
      ORDER BY from_type, to_type, type_id`,
    portalId,
  );
  return rows.map((r) => ({
    fromType: r.from_type,
    toType: r.to_type,
    typeId: r.type_id,
    category: r.category,
    label: r.label,
  }));
}
