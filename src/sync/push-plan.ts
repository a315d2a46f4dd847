// What one local record sends to HubSpot: the mapped fields the platform changed since the last sync, in
// HubSpot's wire form, with the fingerprints that become syncState[prop].pushed once HubSpot has them.
// Pure: no I/O, so the push decisions can be tested (and reasoned about) apart from HubSpot and PostgreSQL.
import { resolveFieldConflict, type ConflictResolution } from './conflicts';
import { shouldPushField } from './echo';
import { fieldFingerprint, type FieldState, type SyncState } from './field-state';
import { writeHubSpotProperties } from './mapping';
import { writesToHubSpot, type FieldMapping, type MappingConfig } from './mapping-types';
import { objectTypeSpec, type CrmObjectType } from './object-types';
import { FieldValueError, toHubSpotValue } from './transforms';
import { LOCAL_ID_PROPERTY } from './local-link';

/** A platform row as the push reads it: typed columns by Prisma field name plus sync bookkeeping. */
export interface PushRow {
  id: string;
  hubspotId: string | null;
  /** When the platform last changed the row (the local side's change time in conflicts). */
  updatedAt: Date;
  syncState: SyncState;
  columns: Record<string, unknown>;
}

export interface PlannedField {
  field: FieldMapping;
  /** HubSpot wire value ("" clears the property). */
  value: string;
  fingerprint: string;
}

export interface RecordPlan {
  fields: PlannedField[];
  /** Columns whose value cannot be expressed in HubSpot's type (kept out of the push, reported). */
  unrepresentable: Array<{ property: string; message: string }>;
  /** Properties HubSpot requires to create the record that it would be created without: it is not sent. */
  missingOnCreate: Array<{ property: string; message: string }>;
}

/**
 * Properties HubSpot refuses to create a record without (the registry's requiredOnCreate). Tasks and
 * engagements: hs_timestamp ("Required. This field marks the task's due date.", HubSpot's tasks guide; "marks
 * the note's time of creation", its notes guide). A local row without one is reported, not given an invented
 * value: a made-up time would come back to the platform on the next pull.
 */
const requiredOnCreate = (type: CrmObjectType): readonly string[] => objectTypeSpec(type).requiredOnCreate ?? [];

/**
 * The fields of `row` to send: mapped toward HubSpot, in `onlyColumns` when the platform named its changed
 * columns (null = any), and changed since the last sync per shouldPushField — neither the value last pushed
 * (HubSpot has it) nor the value last pulled (sending it back would be ping-pong).
 */
export function planRecordPush(
  type: CrmObjectType,
  row: PushRow,
  mapping: MappingConfig,
  onlyColumns: readonly string[] | null,
): RecordPlan {
  const plan: RecordPlan = { fields: [], unrepresentable: [], missingOnCreate: [] };
  for (const outgoing of writeHubSpotProperties(type, row.columns, mapping, onlyColumns)) {
    const { field } = outgoing;
    const push = shouldPushField({
      currentLocalValue: row.columns[field.column] ?? null,
      state: row.syncState[field.hubspotProperty] ?? {},
      transform: field,
      localChangedAt: row.updatedAt,
    });
    if (!push) continue;
    if (outgoing.ok) {
      plan.fields.push({ field, value: outgoing.wire, fingerprint: fieldFingerprint(field, outgoing.wire) });
    } else {
      plan.unrepresentable.push({ property: field.hubspotProperty, message: outgoing.error.valueError.message });
    }
  }
  if (!row.hubspotId) {
    for (const property of requiredOnCreate(type)) {
      if (plan.fields.some((f) => f.field.hubspotProperty === property && f.value !== '')) continue;
      const column = mapping[type].fields.find((f) => f.hubspotProperty === property && writesToHubSpot(f))?.column;
      plan.missingOnCreate.push({
        property,
        message: column
          ? `HubSpot requires ${property} to create a ${type} record; its column ${column} is empty`
          : `HubSpot requires ${property} to create a ${type} record; the mapping sends no column to it`,
      });
    }
  }
  return plan;
}

export interface FieldConflictCheck {
  property: string;
  resolution: ConflictResolution;
}

/**
 * Fields of a planned push that HubSpot also changed since the last sync (both sides changed, values differ).
 * `hubspotChangedAt` is the record's last-modified time: HubSpot's batch read carries no per-property time, and
 * the record's is an upper bound of it, which under `newest` leans towards HubSpot exactly as a tie does.
 * Only `both` fields can conflict: a toHubSpot field is the platform's alone.
 */
export function conflictingFields(
  row: PushRow,
  plan: RecordPlan,
  hubspotProperties: Readonly<Record<string, string | null>>,
  hubspotChangedAt: number | undefined,
): FieldConflictCheck[] {
  const out: FieldConflictCheck[] = [];
  for (const planned of plan.fields) {
    const { field } = planned;
    if (field.direction !== 'both' || !(field.hubspotProperty in hubspotProperties)) continue;
    const state: FieldState = row.syncState[field.hubspotProperty] ?? {};
    const resolution = resolveFieldConflict({
      policy: field.conflictPolicy,
      local: { value: planned.value, changedAt: row.updatedAt },
      hubspot: { value: hubspotProperties[field.hubspotProperty] ?? null, changedAt: hubspotChangedAt },
      base: state,
      transform: field,
    });
    if (resolution.conflict) out.push({ property: field.hubspotProperty, resolution });
  }
  return out;
}

/** The upsert key of a record HubSpot does not know yet; see src/outbound/README.md for why. */
export interface UpsertKey {
  idProperty: string;
  id: string;
}

export { LOCAL_ID_PROPERTY };

/**
 * New records are upserted, never created, so a retried call (after a timeout whose request did land) finds the
 * record instead of duplicating it: by the mapping's unique property when HubSpot declares it unique and the row
 * has a value (contacts: email), otherwise by hubsync_local_id, a unique custom property holding the local id.
 */
export function upsertKeyFor(
  type: CrmObjectType,
  row: PushRow,
  mapping: MappingConfig,
  uniquePropertyUsable: boolean,
): UpsertKey {
  const uniqueProperty = mapping[type].uniqueProperty;
  if (uniquePropertyUsable && uniqueProperty) {
    const field = mapping[type].fields.find((f) => f.hubspotProperty === uniqueProperty);
    const value = field ? row.columns[field.column] : undefined;
    if (field && value !== null && value !== undefined && value !== '') {
      try {
        const wire = toHubSpotValue(field, value);
        if (wire) return { idProperty: uniqueProperty, id: wire };
      } catch (err) {
        // Reported by planRecordPush as unrepresentable; the local id still identifies the record.
        if (!(err instanceof FieldValueError)) throw err;
      }
    }
  }
  return { idProperty: LOCAL_ID_PROPERTY, id: row.id };
}
