import type { Prisma } from '../generated/prisma/client';
import type { PrismaClient } from './prisma';

// Writes of sync_failures rows that are not push refusals (those are written with the push's results).

/** The category of the failure the mass-archive guard records (src/sync/mass-archive-guard.ts). */
export const MASS_ARCHIVE_REFUSED = 'MASS_ARCHIVE_REFUSED';

/** The category of a HubSpot value its typed column cannot hold (src/sync/storable-values.ts). */
export const VALUE_NOT_STORABLE = 'VALUE_NOT_STORABLE';

type Db = PrismaClient | Prisma.TransactionClient;

export interface FailureRow {
  portalId: string;
  objectType: string;
  direction: 'inbound' | 'outbound';
  operation: string;
  category: string;
  message: string;
  hubspotId?: string | null;
  localId?: string | null;
  property?: string | null;
  workflowId?: string | null;
}

/** Inserts the rows, skipping any already open with the same record, operation, category and property. */
export async function recordFailures(db: Db, rows: readonly FailureRow[]): Promise<number> {
  let written = 0;
  for (const row of rows) {
    const open = await db.syncFailure.findFirst({
      where: {
        portalId: row.portalId,
        objectType: row.objectType,
        hubspotId: row.hubspotId ?? null,
        operation: row.operation,
        category: row.category,
        property: row.property ?? null,
        resolvedAt: null,
      },
      select: { id: true },
    });
    if (open) {
      await db.syncFailure.update({ where: { id: open.id }, data: { message: row.message } });
      continue;
    }
    await db.syncFailure.create({
      data: {
        portalId: row.portalId,
        objectType: row.objectType,
        direction: row.direction,
        operation: row.operation,
        category: row.category,
        message: row.message,
        hubspotId: row.hubspotId ?? null,
        localId: row.localId ?? null,
        property: row.property ?? null,
        workflowId: row.workflowId ?? null,
      },
    });
    written += 1;
  }
  return written;
}
