// HubSpot's object types and their standard property definitions, as far as hubsync and the seed data use them.
import { customTypeFromSegment, customTypeInfo } from './custom-types';

export type StandardTypeName =
  | 'contacts'
  | 'companies'
  | 'deals'
  | 'tickets'
  | 'tasks'
  | 'users'
  | 'products'
  | 'line_items'
  | 'notes'
  | 'calls'
  | 'emails'
  | 'meetings';
/** A custom object type, named by its objectTypeId (`2-…`, custom objects guide). */
export type CustomTypeName = `2-${string}`;
export type ObjectTypeName = StandardTypeName | CustomTypeName;
export type PropertyType = 'string' | 'number' | 'datetime' | 'date' | 'enumeration' | 'bool';

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  options: Array<{ label: string; value: string; displayOrder: number; hidden: boolean }>;
  calculated: boolean;
  readOnlyValue: boolean;
  hasUniqueValue: boolean;
  custom: boolean;
}

export interface ObjectTypeInfo {
  name: ObjectTypeName;
  typeId: string;
  /** Singular, upper case: CONTACT_TO_COMPANY, webhook prefix, error messages. */
  singular: string;
  /** Webhook subscription prefix: contact, company, deal, ticket, or object for generic objects. */
  webhookPrefix: string;
  lastModifiedProperty: string;
  createdProperty: string;
  defaultProperties: string[];
  searchableProperties: string[];
}

export const OBJECT_TYPES: Record<StandardTypeName, ObjectTypeInfo> = {
  contacts: info(
    'contacts',
    '0-1',
    'CONTACT',
    'contact',
    'lastmodifieddate',
    'createdate',
    ['email', 'firstname', 'lastname'],
    ['email', 'firstname', 'lastname', 'phone', 'company'],
  ),
  companies: info(
    'companies',
    '0-2',
    'COMPANY',
    'company',
    'hs_lastmodifieddate',
    'createdate',
    ['domain', 'name'],
    ['name', 'domain', 'phone', 'website'],
  ),
  deals: info(
    'deals',
    '0-3',
    'DEAL',
    'deal',
    'hs_lastmodifieddate',
    'createdate',
    ['amount', 'closedate', 'dealname', 'dealstage', 'pipeline'],
    ['dealname'],
  ),
  tickets: info(
    'tickets',
    '0-5',
    'TICKET',
    'ticket',
    'hs_lastmodifieddate',
    'createdate',
    ['content', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'],
    ['subject', 'content'],
  ),
  tasks: info(
    'tasks',
    '0-27',
    'TASK',
    'object',
    'hs_lastmodifieddate',
    'hs_createdate',
    ['hs_task_subject', 'hs_task_status', 'hs_timestamp'],
    ['hs_task_subject', 'hs_task_body'],
  ),
  // Object type ids: developers.hubspot.com/docs/guides/crm/using-object-apis. Webhooks: generic `object.*`
  // subscriptions (generic changelog). Default properties returned without `properties=` are _(choice)_.
  products: info(
    'products',
    '0-7',
    'PRODUCT',
    'object',
    'hs_lastmodifieddate',
    'createdate',
    ['name', 'description', 'price'],
    ['name', 'hs_sku'],
  ),
  line_items: info(
    'line_items',
    '0-8',
    'LINE_ITEM',
    'object',
    'hs_lastmodifieddate',
    'createdate',
    ['name', 'quantity', 'price', 'amount'],
    ['name'],
  ),
  notes: info(
    'notes',
    '0-46',
    'NOTE',
    'object',
    'hs_lastmodifieddate',
    'hs_createdate',
    ['hs_note_body', 'hs_timestamp'],
    ['hs_note_body'],
  ),
  calls: info(
    'calls',
    '0-48',
    'CALL',
    'object',
    'hs_lastmodifieddate',
    'hs_createdate',
    ['hs_call_title', 'hs_call_body', 'hs_timestamp'],
    ['hs_call_title', 'hs_call_body'],
  ),
  emails: info(
    'emails',
    '0-49',
    'EMAIL',
    'object',
    'hs_lastmodifieddate',
    'hs_createdate',
    ['hs_email_subject', 'hs_email_text', 'hs_timestamp'],
    ['hs_email_subject'],
  ),
  meetings: info(
    'meetings',
    '0-47',
    'MEETING',
    'object',
    'hs_lastmodifieddate',
    'hs_createdate',
    ['hs_meeting_title', 'hs_meeting_body', 'hs_timestamp'],
    ['hs_meeting_title'],
  ),
  users: info(
    'users',
    '0-115',
    'USER',
    'object',
    'hs_lastmodifieddate',
    'hs_createdate',
    ['hs_email', 'hs_given_name', 'hs_family_name'],
    ['hs_email'],
  ),
};

function info(
  name: StandardTypeName,
  typeId: string,
  singular: string,
  webhookPrefix: string,
  lastModifiedProperty: string,
  createdProperty: string,
  extraDefaults: string[],
  searchableProperties: string[],
): ObjectTypeInfo {
  const defaultProperties = [...extraDefaults, createdProperty, lastModifiedProperty, 'hs_object_id'].sort();
  return {
    name,
    typeId,
    singular,
    webhookPrefix,
    lastModifiedProperty,
    createdProperty,
    defaultProperties,
    searchableProperties,
  };
}

const BY_SEGMENT = new Map<string, ObjectTypeInfo>();
for (const t of Object.values(OBJECT_TYPES)) {
  BY_SEGMENT.set(t.name, t);
  BY_SEGMENT.set(t.typeId, t);
  BY_SEGMENT.set(t.singular.toLowerCase(), t);
}

/** Resolves a path segment (`contacts`, `0-1`, `contact`; a custom type's id or fully qualified name) to a type. */
export function objectTypeFromSegment(segment: string): ObjectTypeInfo | undefined {
  return BY_SEGMENT.get(segment.toLowerCase()) ?? customTypeFromSegment(segment);
}

/** A type's facts: standard, or a custom type defined through the schemas API. */
export function typeInfo(type: ObjectTypeName): ObjectTypeInfo {
  const known = isStandardType(type) ? OBJECT_TYPES[type] : customTypeInfo(type);
  if (!known) throw new Error(`unknown object type ${type}`);
  return known;
}

export function isStandardType(type: string): type is StandardTypeName {
  return Object.prototype.hasOwnProperty.call(OBJECT_TYPES, type);
}

type Def = [name: string, type: PropertyType, fieldType?: string, options?: string[]];
const common: Def[] = [
  ['hs_object_id', 'number'],
  ['hubspot_owner_id', 'enumeration', 'select'],
  ['hs_merged_object_ids', 'enumeration', 'checkbox'],
];

// The properties every custom object has besides those its schema defines: HubSpot's generic created and
// last-modified names (with hs_object_id, in `common`) _(choice: the names the other generic objects use)_.
const CUSTOM_OBJECT_STANDARD: Def[] = [
  ['hs_createdate', 'datetime'],
  ['hs_lastmodifieddate', 'datetime'],
];

const STANDARD: Record<StandardTypeName, Def[]> = {
  contacts: [
    ['email', 'string'],
    ['firstname', 'string'],
    ['lastname', 'string'],
    ['phone', 'string', 'phonenumber'],
    ['mobilephone', 'string', 'phonenumber'],
    ['company', 'string'],
    ['jobtitle', 'string'],
    ['website', 'string'],
    ['city', 'string'],
    ['country', 'string'],
    ['address', 'string'],
    ['zip', 'string'],
    [
      'lifecyclestage',
      'enumeration',
      'radio',
      [
        'subscriber',
        'lead',
        'marketingqualifiedlead',
        'salesqualifiedlead',
        'opportunity',
        'customer',
        'evangelist',
        'other',
      ],
    ],
    [
      'hs_lead_status',
      'enumeration',
      'radio',
      ['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING'],
    ],
    ['createdate', 'datetime', 'date'],
    ['lastmodifieddate', 'datetime', 'date'],
    ['hs_email_domain', 'string'],
    ['notes_last_updated', 'datetime', 'date'],
  ],
  companies: [
    ['name', 'string'],
    ['domain', 'string'],
    ['website', 'string'],
    ['phone', 'string', 'phonenumber'],
    [
      'industry',
      'enumeration',
      'select',
      [
        'COMPUTER_SOFTWARE',
        'FINANCIAL_SERVICES',
        'HOSPITAL_HEALTH_CARE',
        'RETAIL',
        'MARKETING_AND_ADVERTISING',
        'CONSTRUCTION',
        'EDUCATION_MANAGEMENT',
        'LOGISTICS_AND_SUPPLY_CHAIN',
      ],
    ],
    ['city', 'string'],
    ['country', 'string'],
    ['numberofemployees', 'number'],
    ['annualrevenue', 'number'],
    ['description', 'string', 'textarea'],
    ['lifecyclestage', 'enumeration', 'radio', ['lead', 'opportunity', 'customer', 'other']],
    ['createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  deals: [
    ['dealname', 'string'],
    ['amount', 'number'],
    ['closedate', 'datetime', 'date'],
    ['pipeline', 'enumeration', 'select', ['default']],
    [
      'dealstage',
      'enumeration',
      'radio',
      [
        'appointmentscheduled',
        'qualifiedtobuy',
        'presentationscheduled',
        'decisionmakerboughtin',
        'contractsent',
        'closedwon',
        'closedlost',
      ],
    ],
    ['dealtype', 'enumeration', 'radio', ['newbusiness', 'existingbusiness']],
    ['description', 'string', 'textarea'],
    ['createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  tickets: [
    ['subject', 'string'],
    ['content', 'string', 'textarea'],
    ['hs_pipeline', 'enumeration', 'select', ['0']],
    ['hs_pipeline_stage', 'enumeration', 'radio', ['1', '2', '3', '4']],
    ['hs_ticket_priority', 'enumeration', 'select', ['LOW', 'MEDIUM', 'HIGH', 'URGENT']],
    [
      'hs_ticket_category',
      'enumeration',
      'checkbox',
      ['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY'],
    ],
    ['source_type', 'enumeration', 'select', ['EMAIL', 'CHAT', 'PHONE', 'FORM']],
    ['createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  tasks: [
    ['hs_task_subject', 'string'],
    ['hs_task_body', 'string', 'textarea'],
    ['hs_task_status', 'enumeration', 'select', ['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'DEFERRED']],
    ['hs_task_priority', 'enumeration', 'select', ['NONE', 'LOW', 'MEDIUM', 'HIGH']],
    ['hs_task_type', 'enumeration', 'select', ['CALL', 'EMAIL', 'TODO']],
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  // Products (products guide: name, description, hs_sku, price), line items (line items guide: name,
  // hs_product_id, quantity, price, amount, hs_line_item_currency_code).
  products: [
    ['name', 'string'],
    ['description', 'string', 'textarea'],
    ['hs_sku', 'string'],
    ['price', 'number'],
    ['createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  line_items: [
    ['name', 'string'],
    ['hs_product_id', 'string'],
    ['quantity', 'number'],
    ['price', 'number'],
    ['amount', 'number'],
    ['hs_line_item_currency_code', 'enumeration', 'select', ['USD', 'EUR', 'GBP']],
    ['createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  // Engagements: each guide's property table (notes, calls, emails, meetings guides).
  notes: [
    ['hs_note_body', 'string', 'textarea'],
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_attachment_ids', 'enumeration', 'checkbox'],
    ['hs_createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  calls: [
    ['hs_call_title', 'string'],
    ['hs_call_body', 'string', 'textarea'],
    ['hs_call_direction', 'enumeration', 'select', ['INBOUND', 'OUTBOUND']],
    ['hs_call_duration', 'number'],
    [
      'hs_call_status',
      'enumeration',
      'select',
      [
        'BUSY',
        'CALLING_CRM_USER',
        'CANCELED',
        'COMPLETED',
        'CONNECTING',
        'FAILED',
        'IN_PROGRESS',
        'NO_ANSWER',
        'QUEUED',
        'RINGING',
      ],
    ],
    ['hs_call_to_number', 'string'],
    ['hs_call_from_number', 'string'],
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  emails: [
    ['hs_email_subject', 'string'],
    ['hs_email_text', 'string', 'textarea'],
    ['hs_email_html', 'string', 'textarea'],
    ['hs_email_direction', 'enumeration', 'select', ['EMAIL', 'INCOMING_EMAIL', 'FORWARDED_EMAIL']],
    ['hs_email_status', 'enumeration', 'select', ['BOUNCED', 'FAILED', 'SCHEDULED', 'SENDING', 'SENT']],
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  meetings: [
    ['hs_meeting_title', 'string'],
    ['hs_meeting_body', 'string', 'textarea'],
    ['hs_internal_meeting_notes', 'string', 'textarea'],
    ['hs_meeting_location', 'string'],
    ['hs_meeting_start_time', 'datetime', 'date'],
    ['hs_meeting_end_time', 'datetime', 'date'],
    ['hs_meeting_outcome', 'enumeration', 'select', ['SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED']],
    ['hs_timestamp', 'datetime', 'date'],
    ['hs_createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
  users: [
    ['hs_email', 'string'],
    ['hs_given_name', 'string'],
    ['hs_family_name', 'string'],
    ['hs_internal_user_id', 'number'],
    ['hs_job_title', 'string'],
    ['hs_createdate', 'datetime', 'date'],
    ['hs_lastmodifieddate', 'datetime', 'date'],
  ],
};

const CALCULATED = new Set([
  'hs_object_id',
  'createdate',
  'hs_createdate',
  'lastmodifieddate',
  'hs_lastmodifieddate',
  'hs_merged_object_ids',
  'hs_email_domain',
]);

export function standardProperties(type: ObjectTypeName): Map<string, PropertyDefinition> {
  const map = new Map<string, PropertyDefinition>();
  const defs = isStandardType(type) ? STANDARD[type] : CUSTOM_OBJECT_STANDARD;
  for (const [name, propType, fieldType, options] of [...defs, ...common]) {
    map.set(name, {
      name,
      label: name
        .replace(/^hs_/, '')
        .replace(/_/g, ' ')
        .replace(/^./, (c) => c.toUpperCase()),
      type: propType,
      fieldType: fieldType ?? (propType === 'number' ? 'number' : 'text'),
      options: (options ?? []).map((value, i) => ({ label: value, value, displayOrder: i, hidden: false })),
      calculated: CALCULATED.has(name),
      // createdate may be written (imports backdate records); the other calculated ones are read-only.
      readOnlyValue: CALCULATED.has(name) && name !== 'createdate',
      hasUniqueValue: (type === 'contacts' && name === 'email') || name === 'hs_object_id',
      custom: false,
    });
  }
  return map;
}

export function renderPropertyDefinition(
  def: PropertyDefinition,
  type: ObjectTypeName,
  archived = false,
): Record<string, unknown> {
  return {
    name: def.name,
    label: def.label,
    type: def.type,
    fieldType: def.fieldType,
    description: '',
    groupName: `${typeInfo(type).singular.toLowerCase()}information`,
    options: def.options,
    displayOrder: -1,
    calculated: def.calculated,
    externalOptions: false,
    hasUniqueValue: def.hasUniqueValue,
    hidden: false,
    hubspotDefined: !def.custom,
    modificationMetadata: { archivable: def.custom, readOnlyDefinition: !def.custom, readOnlyValue: def.readOnlyValue },
    formField: !def.calculated,
    createdAt: '2020-01-01T00:00:00.000Z',
    updatedAt: '2020-01-01T00:00:00.000Z',
    archived,
  };
}
