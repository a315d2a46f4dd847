// Custom objects: types a portal defines itself (schemas API), named by their objectTypeId `2-<id>`, synced
// into one generic table. Which of a schema's associations hubsync reads, and from which end, is decided here.
// Pure: safe to import from Temporal workflows.
import { CRM_OBJECT_TYPES, HUBSPOT_TYPE_IDS, LAST_MODIFIED_PROPERTY, type CrmObjectType } from './object-types';

/** A custom object type id: meta type 2 (HubSpot's "{meta-type}-{unique ID}", schemas reference). */
export type CustomObjectTypeId = `2-${string}`;

export function isCustomObjectTypeId(value: string): value is CustomObjectTypeId {
  return /^2-\d+$/.test(value);
}

/** Every custom object uses HubSpot's generic last-modified property. */
export const CUSTOM_OBJECT_LAST_MODIFIED = 'hs_lastmodifieddate';

/** The last-modified property of a synced type or a custom object. */
export function lastModifiedPropertyOf(type: CrmObjectType | CustomObjectTypeId): string {
  return isCustomObjectTypeId(type) ? CUSTOM_OBJECT_LAST_MODIFIED : LAST_MODIFIED_PROPERTY[type];
}

export interface SchemaAssociation {
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
}

const TYPE_OF_ID = new Map<string, CrmObjectType>(CRM_OBJECT_TYPES.map((type) => [HUBSPOT_TYPE_IDS[type], type]));

/**
 * The types whose associations with `objectTypeId` are read from its end: every synced CRM type and every
 * other custom type its schema associates it with, one each. A custom type id sorts before any type name, so
 * the custom end is a pair's from end in the associations table's canonical (name) order; between two custom
 * types the lower id reads the pair.
 */
export function associationPartners(
  objectTypeId: CustomObjectTypeId,
  associations: readonly SchemaAssociation[],
  customTypeIds: readonly string[],
): Array<CrmObjectType | CustomObjectTypeId> {
  const partners = new Set<CrmObjectType | CustomObjectTypeId>();
  for (const a of associations) {
    const other =
      a.fromObjectTypeId === objectTypeId
        ? a.toObjectTypeId
        : a.toObjectTypeId === objectTypeId
          ? a.fromObjectTypeId
          : null;
    if (other === null || other === objectTypeId) continue;
    const standard = TYPE_OF_ID.get(other);
    if (standard) partners.add(standard);
    else if (isCustomObjectTypeId(other) && customTypeIds.includes(other) && objectTypeId < other) partners.add(other);
  }
  return [...partners].sort();
}
