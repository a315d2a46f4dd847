// The mapping hubsync uses when no configuration overrides it: every typed column of the schema.
// Stage/status-like columns stay 'string' because the platform stores HubSpot's internal values;
// an installation that wants its own vocabulary switches them to 'enum' with a value map.
import { type FieldMapping, type MappingConfig } from '../mapping-types';
import { OBJECT_TYPE_REGISTRY } from '../object-types';
import { type TransformName } from '../transforms';

type FieldSpec = readonly [column: string, hubspotProperty: string, transform?: TransformName];

function fields(specs: readonly FieldSpec[], direction: FieldMapping['direction'] = 'both'): FieldMapping[] {
  return specs.map(([column, hubspotProperty, transform = 'string']) => ({
    column,
    hubspotProperty,
    direction,
    transform,
    conflictPolicy: 'newest',
  }));
}

export const DEFAULT_MAPPING: MappingConfig = {
  contacts: {
    uniqueProperty: 'email',
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.contacts.lastModifiedProperty,
    fields: fields([
      ['email', 'email'],
      ['firstName', 'firstname'],
      ['lastName', 'lastname'],
      ['phone', 'phone'],
      ['jobTitle', 'jobtitle'],
      ['lifecycleStage', 'lifecyclestage'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  companies: {
    // Note: real HubSpot only accepts idProperty values with hasUniqueValue=true; `domain` works when
    // the portal's company dedupe is by domain (and in the simulator). Override if the portal refuses it.
    uniqueProperty: 'domain',
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.companies.lastModifiedProperty,
    fields: fields([
      ['name', 'name'],
      ['domain', 'domain'],
      ['phone', 'phone'],
      ['industry', 'industry'],
      ['city', 'city'],
      ['country', 'country'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  deals: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.deals.lastModifiedProperty,
    fields: fields([
      ['name', 'dealname'],
      ['stage', 'dealstage'],
      ['pipeline', 'pipeline'],
      ['amount', 'amount', 'decimal'],
      ['closeDate', 'closedate', 'datetime'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  tasks: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.tasks.lastModifiedProperty,
    fields: fields([
      ['subject', 'hs_task_subject'],
      ['body', 'hs_task_body'],
      ['status', 'hs_task_status'],
      ['priority', 'hs_task_priority'],
      ['dueDate', 'hs_timestamp', 'datetime'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  tickets: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.tickets.lastModifiedProperty,
    fields: fields([
      ['subject', 'subject'],
      ['content', 'content'],
      ['stage', 'hs_pipeline_stage'],
      ['pipeline', 'hs_pipeline'],
      ['priority', 'hs_ticket_priority'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  // Products are read only (the platform pushes line items, not the catalog).
  products: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.products.lastModifiedProperty,
    fields: fields(
      [
        ['name', 'name'],
        ['description', 'description'],
        ['sku', 'hs_sku'],
        ['price', 'price', 'decimal'],
        ['ownerId', 'hubspot_owner_id'],
      ],
      'fromHubSpot',
    ),
  },
  line_items: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.line_items.lastModifiedProperty,
    fields: [
      ...fields([
        ['name', 'name'],
        ['productId', 'hs_product_id'],
        ['quantity', 'quantity', 'decimal'],
        ['price', 'price', 'decimal'],
        ['currency', 'hs_line_item_currency_code'],
      ]),
      // HubSpot computes a line item's amount from quantity and price.
      ...fields([['amount', 'amount', 'decimal']], 'fromHubSpot'),
    ],
  },
  notes: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.notes.lastModifiedProperty,
    fields: fields([
      ['body', 'hs_note_body'],
      ['timestamp', 'hs_timestamp', 'datetime'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  calls: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.calls.lastModifiedProperty,
    fields: fields([
      ['title', 'hs_call_title'],
      ['body', 'hs_call_body'],
      ['direction', 'hs_call_direction'],
      ['status', 'hs_call_status'],
      ['durationMs', 'hs_call_duration', 'decimal'],
      ['timestamp', 'hs_timestamp', 'datetime'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  emails: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.emails.lastModifiedProperty,
    fields: fields([
      ['subject', 'hs_email_subject'],
      ['body', 'hs_email_text'],
      ['direction', 'hs_email_direction'],
      ['status', 'hs_email_status'],
      ['timestamp', 'hs_timestamp', 'datetime'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  meetings: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.meetings.lastModifiedProperty,
    fields: fields([
      ['title', 'hs_meeting_title'],
      ['body', 'hs_meeting_body'],
      ['startTime', 'hs_meeting_start_time', 'datetime'],
      ['endTime', 'hs_meeting_end_time', 'datetime'],
      ['outcome', 'hs_meeting_outcome'],
      ['timestamp', 'hs_timestamp', 'datetime'],
      ['ownerId', 'hubspot_owner_id'],
    ]),
  },
  // Owners come from GET /crm/v3/owners (read-only); the "properties" are that API's fields, with
  // userId stringified by the caller, and `updatedAt` standing in for a last-modified property.
  owners: {
    lastModifiedProperty: OBJECT_TYPE_REGISTRY.owners.lastModifiedProperty,
    fields: fields(
      [
        ['email', 'email'],
        ['firstName', 'firstName'],
        ['lastName', 'lastName'],
        ['userId', 'userId'],
      ],
      'fromHubSpot',
    ),
  },
};
