// Custom object types defined through the schemas API. HubSpot gives each one an objectTypeId `2-<id>` and a
// fullyQualifiedName `p<portal>_<name>` (schemas spec, ObjectTypeDefinition: "id … Will be defined as
// {meta-type}-{unique ID}", "fullyQualifiedName … including portal ID and object name"); the ids are unique across
// accounts, so this process-wide table can resolve a path segment before the portal is known.
import type { CustomTypeName, ObjectTypeInfo } from './schema';

/** One portal's custom object schema, as the schemas API lists it. */
export interface CustomSchema {
  objectTypeId: CustomTypeName;
  name: string;
  labels: { singular: string; plural: string };
  primaryDisplayProperty: string | null;
  requiredProperties: string[];
  searchableProperties: string[];
  secondaryDisplayProperties: string[];
  associations: Array<{ id: string; fromObjectTypeId: string; toObjectTypeId: string; name: string }>;
  createdAt: number;
}

const BY_ID = new Map<string, ObjectTypeInfo>();
const BY_FQN = new Map<string, ObjectTypeInfo>();
// Object type ids are the account's own; HubSpot documents no range, so they start here _(choice)_.
let nextTypeId = 2_100_001;

export function customTypeInfo(type: string): ObjectTypeInfo | undefined {
  return BY_ID.get(type);
}

/** A custom type by its objectTypeId or fully qualified name (schemas spec: "Fully qualified name or object type ID"). */
export function customTypeFromSegment(segment: string): ObjectTypeInfo | undefined {
  return BY_ID.get(segment) ?? BY_FQN.get(segment.toLowerCase());
}

export function fullyQualifiedName(portalId: string, name: string): string {
  return `p${portalId}_${name}`.toLowerCase();
}

/** Registers a new custom type and returns its facts (generic `object.*` webhooks, hs_ names). */
export function registerCustomType(
  portalId: string,
  name: string,
  singular: string,
  searchableProperties: string[],
  defaultProperties: string[],
): ObjectTypeInfo {
  const typeId = `2-${nextTypeId++}` as CustomTypeName;
  const info: ObjectTypeInfo = {
    name: typeId,
    typeId,
    singular: singular.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
    webhookPrefix: 'object',
    lastModifiedProperty: 'hs_lastmodifieddate',
    createdProperty: 'hs_createdate',
    defaultProperties: [
      ...new Set([...defaultProperties, 'hs_createdate', 'hs_lastmodifieddate', 'hs_object_id']),
    ].sort(),
    searchableProperties,
  };
  BY_ID.set(typeId, info);
  BY_FQN.set(fullyQualifiedName(portalId, name), info);
  return info;
}
