// Applying a field mapping in either direction, and checking it against HubSpot's property definitions.
// No zod here (types only from the schema module), so workflows may import it.
import { LOCAL_ID_PROPERTY } from './local-link';
import { MERGED_IDS_PROPERTY } from './merges';
import { type ObjectType } from './object-types';
import { readsFromHubSpot, writesToHubSpot, type FieldMapping, type MappingConfig } from './mapping-types';
import { FieldValueError, parseHubSpotInstant, toHubSpotValue, toLocalValue, type LocalConversion } from './transforms';

export type HubSpotProperties = Readonly<Record<string, string | null>>;

/** A mapped HubSpot property as read for its column. */
export interface MappedValue {
  readonly field: FieldMapping;
  /** HubSpot's wire value. */
  readonly wire: string | null;
  /** The typed column value, or ok: false when the wire value does not parse for the column's type. */
  readonly local: LocalConversion;
}

export interface HubSpotReading {
  /** Every property read into a column, in the record's order; toHubSpot-only fields are left out entirely. */
  readonly mapped: readonly MappedValue[];
  /** Every property the mapping does not cover, for the row's JSONB `properties` column. */
  readonly unmapped: Record<string, string | null>;
  /** The last-modified property, parsed (epoch ms); absent when HubSpot did not send it or it does not parse. */
  readonly modifiedAt?: number;
}

export class MappingValueError extends Error {
  override readonly name = 'MappingValueError';
  constructor(
    readonly objectType: ObjectType,
    readonly column: string,
    readonly property: string,
    readonly valueError: FieldValueError,
  ) {
    super(`${objectType}.${column} → ${property}: ${valueError.message}`);
  }
}

export function fieldByProperty(type: ObjectType, property: string, mapping: MappingConfig): FieldMapping | undefined {
  return mapping[type].fields.find((f) => f.hubspotProperty === property);
}

export function fieldByColumn(type: ObjectType, column: string, mapping: MappingConfig): FieldMapping | undefined {
  return mapping[type].fields.find((f) => f.column === column);
}

/** HubSpot → local: how each property of a record (full or partial) reaches the row. */
export function readHubSpotProperties(
  type: ObjectType,
  properties: HubSpotProperties,
  mapping: MappingConfig,
): HubSpotReading {
  const objectMapping = mapping[type];
  const mapped: MappedValue[] = [];
  const unmapped: Record<string, string | null> = {};
  for (const [property, wire] of Object.entries(properties)) {
    // The last-modified property becomes the row's hubspot_updated_at; copying it into the JSONB would rewrite
    // the column on every sync for no information.
    if (property === objectMapping.lastModifiedProperty) continue;
    const field = objectMapping.fields.find((f) => f.hubspotProperty === property);
    if (!field) unmapped[property] = wire;
    else if (readsFromHubSpot(field)) mapped.push({ field, wire, local: toLocalValue(field, wire) });
  }
  const modified = properties[objectMapping.lastModifiedProperty];
  const modifiedAt = modified ? parseHubSpotInstant(modified) : undefined;
  return { mapped, unmapped, ...(modifiedAt === undefined ? {} : { modifiedAt }) };
}

/** A mapped column as sent to HubSpot: its wire value, or the reason it cannot be sent. */
export type OutgoingValue =
  | { readonly field: FieldMapping; readonly ok: true; readonly wire: string }
  | { readonly field: FieldMapping; readonly ok: false; readonly error: MappingValueError };

/**
 * Local row → HubSpot wire values (strings; "" clears), for every field mapped toward HubSpot, restricted to
 * `onlyColumns` when given. A value HubSpot's type cannot hold is returned as a MappingValueError naming column
 * and property, never the value.
 */
export function writeHubSpotProperties(
  type: ObjectType,
  columns: Readonly<Record<string, unknown>>,
  mapping: MappingConfig,
  onlyColumns?: readonly string[] | null,
): OutgoingValue[] {
  const wanted = onlyColumns ? new Set(onlyColumns) : undefined;
  const out: OutgoingValue[] = [];
  for (const field of mapping[type].fields) {
    if (!writesToHubSpot(field) || (wanted && !wanted.has(field.column))) continue;
    try {
      out.push({ field, ok: true, wire: toHubSpotValue(field, columns[field.column] ?? null) });
    } catch (err) {
      if (!(err instanceof FieldValueError)) throw err;
      out.push({ field, ok: false, error: new MappingValueError(type, field.column, field.hubspotProperty, err) });
    }
  }
  return out;
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

/**
 * Every property a read of `type` asks for: all the live properties HubSpot defines (`defined`, from its
 * properties API), so unmapped and custom ones reach the row's JSONB, plus those propertiesFor names (a mapped
 * property is read even before the catalog knows it). Sorted, so equal catalogs make equal requests.
 */
export function propertiesToRead(type: ObjectType, mapping: MappingConfig, defined: readonly string[]): string[] {
  return [...new Set([...propertiesFor(type, mapping), ...defined])].sort();
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
