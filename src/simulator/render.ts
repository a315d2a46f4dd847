// Records in and out: HubSpot's JSON shape on the way out, property validation and normalisation on the way in.
import { associationTypeIds } from './associations';
import { type ErrorDetail, HubSpotError, iso, validation } from './http-util';
import { typeInfo, type ObjectTypeName } from './schema';
import { propertyValue, type PortalStore, type SimRecord, type TypeStore } from './store';

export interface RenderOptions {
  properties?: string[];
  propertiesWithHistory?: string[];
  associations?: ObjectTypeName[];
}

export function renderRecord(portal: PortalStore, rec: SimRecord, opts: RenderOptions = {}): Record<string, unknown> {
  const info = typeInfo(rec.type);
  const names = opts.properties && opts.properties.length > 0 ? opts.properties : info.defaultProperties;
  const properties: Record<string, string | null> = {};
  for (const name of names) properties[name] = propertyValue(rec, name) ?? null;
  for (const name of ['hs_object_id', info.createdProperty, info.lastModifiedProperty])
    properties[name] = propertyValue(rec, name) ?? null;
  const out: Record<string, unknown> = {
    id: String(rec.id),
    properties,
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.lm),
    archived: rec.archived,
  };
  if (rec.archived) out.archivedAt = iso(rec.archivedAt);
  if (opts.propertiesWithHistory && opts.propertiesWithHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of opts.propertiesWithHistory) {
      const value = propertyValue(rec, name);
      history[name] = value === undefined ? [] : [{ value, timestamp: iso(rec.lm), sourceType: 'API', sourceId: null }];
    }
    out.propertiesWithHistory = history;
  }
  if (opts.associations && opts.associations.length > 0) {
    const assoc: Record<string, unknown> = {};
    for (const to of opts.associations) {
      const results: Array<{ id: string; type: string }> = [];
      const base = `${info.singular}_to_${typeInfo(to).singular}`.toLowerCase();
      const primaryId = associationTypeIds(rec.type, to)?.primary;
      for (const { toId, typeIds } of portal.listedTargets(rec, to)) {
        for (const typeId of typeIds)
          results.push({ id: String(toId), type: typeId === primaryId ? base : `${base}_unlabeled` });
      }
      if (results.length > 0) assoc[to] = { results };
    }
    if (Object.keys(assoc).length > 0) out.associations = assoc;
  }
  return out;
}

/** Every stored and derived property, for the admin state dump. */
export function renderFull(rec: SimRecord, mergedInto?: number): Record<string, unknown> {
  const info = typeInfo(rec.type);
  const properties: Record<string, string> = { ...rec.props, hs_object_id: String(rec.id) };
  properties[info.createdProperty] = iso(rec.createdAt);
  properties[info.lastModifiedProperty] = iso(rec.lm);
  const out: Record<string, unknown> = {
    id: String(rec.id),
    properties,
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.lm),
    archived: rec.archived,
  };
  if (rec.archived) out.archivedAt = iso(rec.archivedAt);
  if (mergedInto !== undefined) out.mergedInto = String(mergedInto);
  return out;
}

/**
 * Validates and normalises written property values to HubSpot's stored strings: unknown properties, read-only
 * properties, bad numbers, dates and enumeration options are rejected like HubSpot does. `""` clears a property;
 * `null` is accepted and leaves it unchanged (CRM objects spec, PATCH/batch update: "Read-only and non-existent
 * properties will result in an error. Properties values can be cleared by passing an empty string.";
 * HubSpot/hubspot-api-nodejs#324, where HubSpot's maintainers say to send "" to clear).
 */
export function normaliseProperties(ts: TypeStore, input: unknown): Record<string, string> {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw validation('Invalid input JSON: properties must be an object');
  const out: Record<string, string> = {};
  const errors: ErrorDetail[] = [];
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const def = ts.properties.get(name);
    if (!def) {
      errors.push({
        message: `Property "${name}" does not exist`,
        code: 'PROPERTY_DOESNT_EXIST',
        context: { propertyName: [name] },
      });
      continue;
    }
    if (raw === null || raw === undefined) continue;
    if (def.readOnlyValue) {
      errors.push({
        message: `"${name}" is a read only property; its value cannot be set.`,
        code: 'READ_ONLY_VALUE',
        context: { propertyName: [name] },
      });
      continue;
    }
    const value = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    if (value === '') {
      out[name] = '';
      continue;
    }
    if (def.type === 'number' && !Number.isFinite(Number(value))) {
      errors.push({
        message: `${value} was not a valid number.`,
        code: 'INVALID_INTEGER',
        context: { propertyName: [name] },
      });
    } else if ((def.type === 'datetime' || def.type === 'date') && Number.isNaN(parseDate(value))) {
      errors.push({
        message: `${value} was not a valid long or date.`,
        code: 'INVALID_DATE',
        context: { propertyName: [name] },
      });
    } else if (
      def.type === 'enumeration' &&
      def.options.length > 0 &&
      !value.split(';').every((v) => def.options.some((o) => o.value === v))
    ) {
      errors.push({
        message: `${value} was not one of the allowed options: ${def.options.map((o) => `[label: "${o.label}"\nvalue: "${o.value}"]`).join(', ')}`,
        code: 'INVALID_OPTION',
        context: { propertyName: [name] },
      });
    } else if (def.type === 'bool' && value !== 'true' && value !== 'false') {
      errors.push({
        message: `${value} was not a valid boolean.`,
        code: 'INVALID_BOOLEAN',
        context: { propertyName: [name] },
      });
    } else {
      out[name] = def.type === 'datetime' ? iso(parseDate(value)) : value;
    }
  }
  if (errors.length > 0) {
    throw validation(
      `Property values were not valid: ${JSON.stringify(errors.map((e) => ({ isValid: false, message: e.message, error: e.code, name: e.context?.propertyName?.[0] })))}`,
      errors,
    );
  }
  return out;
}

// Properties HubSpot requires on create, per object type. Tasks: hs_timestamp (the due date) — HubSpot's tasks guide
// lists it as required, and a create without it is refused with this body (PipedreamHQ/pipedream#12366):
// { status: "error", message: "Error creating TASK. Some required properties were not set.",
//   context: { properties: ["hs_timestamp"] }, category: "VALIDATION_ERROR" }.
// Notes, calls, emails and meetings: each guide's property table marks hs_timestamp "Required" (e.g. the notes
// guide: "hs_timestamp: Required. This field marks the note's time of creation"); the answer's wording is the tasks one.
const REQUIRED_ON_CREATE: Partial<Record<ObjectTypeName, string[]>> = {
  tasks: ['hs_timestamp'],
  notes: ['hs_timestamp'],
  calls: ['hs_timestamp'],
  emails: ['hs_timestamp'],
  meetings: ['hs_timestamp'],
};

/** Throws HubSpot's "Some required properties were not set" when a create lacks a required property. */
export function assertRequiredOnCreate(ts: TypeStore, props: Record<string, string>): void {
  const missing = (REQUIRED_ON_CREATE[ts.type] ?? ts.requiredOnCreate).filter((name) => (props[name] ?? '') === '');
  if (missing.length > 0)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Error creating ${ts.info.singular}. Some required properties were not set.`,
      { context: { properties: missing } },
    );
}

/** Epoch ms from an epoch-ms string or an ISO date; NaN when neither. */
export function parseDate(value: string): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  return Date.parse(value);
}
