// Applying a field mapping in either direction, and checking it against HubSpot's property definitions.
// No zod here (types only from the schema module), so workflows may import it.
import { LOCAL_ID_PROPERTY } from './local-link';
import { MERGED_IDS_PROPERTY } from './merges';
import { type ObjectType } from './object-types';
import { readsFromHubSpot, writesToHubSpot, type FieldMapping, type MappingConfig } from './mapping-types';
import { FieldValueError, parseHubSpotInstant, toHubSpotValue, toLocalValue, type TransformName } from './transforms';

export type HubSpotProperties = Readonly<Record<string, string | null>>;

export interface LocalChanges {
  /** Typed column values for every mapped property present in the input (absent properties are left out). */
  readonly columns: Record<string, unknown>;
  /** Every property the mapping does not cover, for the row's JSONB `properties` column. */
  readonly extra: Record<string, string | null>;
  /** The last-modified property, parsed; absent when HubSpot did not send it. */
  readonly hubspotUpdatedAt?: Date;
  /** Mapped properties whose value did not parse: left out of `columns`, kept verbatim in `extra`. */
  readonly invalid: ReadonlyArray<{ readonly property: string; readonly transform: TransformName }>;
}

export class MappingValueError extends Error {
  override readonly name = 'MappingValueError';
  constructor(
    readonly objectType: ObjectType,
    readonly column: string,
    readonly property: string,
    cause: FieldValueError,
  ) {
    super(`${objectType}.${column} → ${property}: ${cause.message}`);
  }
}

export function fieldByProperty(type: ObjectType, property: string, mapping: MappingConfig): FieldMapping | undefined {
  return mapping[type].fields.find((f) => f.hubspotProperty === property);
}

export function fieldByColumn(type: ObjectType, column: string, mapping: MappingConfig): FieldMapping | undefined {
  return mapping[type].fields.find((f) => f.column === column);
}

/** HubSpot → local row. Properties of toHubSpot-only fields are neither written nor kept in `extra`. */
export function hubspotToLocal(type: ObjectType, properties: HubSpotProperties, mapping: MappingConfig): LocalChanges {
  const objectMapping = mapping[type];
  const columns: Record<string, unknown> = {};
  const extra: Record<string, string | null> = {};
  const invalid: Array<{ property: string; transform: TransformName }> = [];
  for (const [property, value] of Object.entries(properties)) {
    // The last-modified property becomes hubspotUpdatedAt; copying it into the JSONB would rewrite the
    // column on every sync for no information.
    if (property === objectMapping.lastModifiedProperty) continue;
    const field = objectMapping.fields.find((f) => f.hubspotProperty === property);
    if (!field) {
      extra[property] = value;
      continue;
    }
    if (!readsFromHubSpot(field)) continue;
    const converted = toLocalValue(field, value);
    if (converted.ok) {
      columns[field.column] = converted.value;
    } else {
      invalid.push({ property, transform: field.transform });
      extra[property] = value;
    }
  }
  const modified = properties[objectMapping.lastModifiedProperty];
  const modifiedMs = modified ? parseHubSpotInstant(modified) : undefined;
  return { columns, extra, invalid, ...(modifiedMs === undefined ? {} : { hubspotUpdatedAt: new Date(modifiedMs) }) };
}

/**
 * Local row → HubSpot properties (strings; "" clears). `onlyFields` restricts to those columns (e.g. an
 * outbox entry's changed fields); columns not mapped toward HubSpot, or absent from `row`, are skipped.
 * Throws MappingValueError (naming column and property, never the value) for an unrepresentable value.
 */
export function localToHubSpot(
  type: ObjectType,
  row: Readonly<Record<string, unknown>>,
  mapping: MappingConfig,
  onlyFields?: readonly string[],
): Record<string, string> {
  const wanted = onlyFields ? new Set(onlyFields) : undefined;
  const properties: Record<string, string> = {};
  for (const field of mapping[type].fields) {
    if (!writesToHubSpot(field) || (wanted && !wanted.has(field.column)) || !(field.column in row)) continue;
    try {
      properties[field.hubspotProperty] = toHubSpotValue(field, row[field.column]);
    } catch (err) {
      if (err instanceof FieldValueError) throw new MappingValueError(type, field.column, field.hubspotProperty, err);
      throw err;
    }
  }
  return properties;
}

/** HubSpot property names to request when reading `type`: every property read into a column, plus last-modified. */
export function propertiesFor(type: ObjectType, mapping: MappingConfig): string[] {
  const names = mapping[type].fields.filter(readsFromHubSpot).map((f) => f.hubspotProperty);
  // The merged ids let every full read notice a merge whose webhook never arrived; the local id, a push
  // whose link to its row was lost.
  return [
    ...new Set([
      ...names,
      mapping[type].lastModifiedProperty,
      ...(type === 'owners' ? [] : [MERGED_IDS_PROPERTY, LOCAL_ID_PROPERTY]),
    ]),
  ];
}

export interface PropertyDefinition {
  readonly name: string;
  readonly modificationMetadata?: { readonly readOnlyValue?: boolean };
  readonly calculated?: boolean;
}

export interface MappingProblem {
  readonly objectType: ObjectType;
  readonly property?: string;
  readonly message: string;
}

/**
 * Checks a mapping against GET /crm/v3/properties/{type}: every mapped, unique and last-modified property
 * must exist, and nothing may be written to a read-only or calculated property (HubSpot would reject every
 * push). Owners have no property definitions and are skipped. The worker refuses to start on any problem.
 */
export function validateMappingAgainstProperties(
  mapping: MappingConfig,
  definitions: Readonly<Partial<Record<ObjectType, readonly PropertyDefinition[]>>>,
): MappingProblem[] {
  const problems: MappingProblem[] = [];
  for (const type of Object.keys(mapping) as ObjectType[]) {
    if (type === 'owners') continue;
    const { fields, uniqueProperty, lastModifiedProperty } = mapping[type];
    const defs = definitions[type];
    if (!defs) {
      if (fields.length > 0) problems.push({ objectType: type, message: `no property definitions loaded for ${type}` });
      continue;
    }
    const byName = new Map(defs.map((d) => [d.name, d]));
    const missing = (property: string, role: string): void => {
      problems.push({
        objectType: type,
        property,
        message: `${type}: ${role} "${property}" does not exist in HubSpot`,
      });
    };
    for (const field of fields) {
      const def = byName.get(field.hubspotProperty);
      if (!def) {
        missing(field.hubspotProperty, `property (mapped from ${field.column})`);
        continue;
      }
      if (!writesToHubSpot(field)) continue;
      if (def.modificationMetadata?.readOnlyValue) {
        problems.push({
          objectType: type,
          property: def.name,
          message: `${type}: property "${def.name}" is read-only but mapped ${field.direction}`,
        });
      } else if (def.calculated) {
        problems.push({
          objectType: type,
          property: def.name,
          message: `${type}: property "${def.name}" is calculated but mapped ${field.direction}`,
        });
      }
    }
    if (uniqueProperty && !byName.has(uniqueProperty)) missing(uniqueProperty, 'unique property');
    if (!byName.has(lastModifiedProperty)) missing(lastModifiedProperty, 'last-modified property');
  }
  return problems;
}
