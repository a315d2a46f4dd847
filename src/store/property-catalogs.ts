import type { PrismaClient } from './prisma';

// The stored property catalog of each portal and type (hubspot_property_catalogs): the names every read asks for.

export interface StoredPropertyCatalog {
  names: string[];
  refreshedAt: Date;
}

export async function readPropertyCatalog(
  prisma: PrismaClient,
  portalId: string,
  objectType: string,
): Promise<StoredPropertyCatalog | null> {
  const row = await prisma.propertyCatalog.findUnique({
    where: { portalId_objectType: { portalId, objectType } },
    select: { names: true, refreshedAt: true },
  });
  return row;
}

/** Replaces the catalog: a property archived in HubSpot since the last refresh is no longer in it. */
export async function savePropertyCatalog(
  prisma: PrismaClient,
  portalId: string,
  objectType: string,
  names: readonly string[],
  refreshedAt: Date,
): Promise<void> {
  await prisma.propertyCatalog.upsert({
    where: { portalId_objectType: { portalId, objectType } },
    create: { portalId, objectType, names: [...names], refreshedAt },
    update: { names: [...names], refreshedAt },
  });
}
