// Events of subscriptions hubsync does not sync. HubSpot sends one app every subscription it has in the same
// batches (webhooks guide: a request carries up to 100 events of any subscription), so an app that also subscribes
// to conversations or generic objects hubsync does not sync (quotes, invoices, leads) receives them beside contact
// events. Shapes follow the webhooks guide's payload fields and the generic format (changelog "Public Beta: Generic
// Webhook Subscriptions"); optional fields are null where HubSpot has nothing to report. Object type ids: quotes
// 0-14, invoices 0-53, leads 0-136, deals 0-3 ("Using the object APIs", object type IDs); quote → deal association
// type 64 (associations v4 type-id table).

const FOREIGN_ID_BASE = 7_000_000_000;

export const FOREIGN_EVENTS: Array<(n: number) => Record<string, unknown>> = [
  (n) => ({
    subscriptionType: 'conversation.creation',
    objectId: FOREIGN_ID_BASE + n,
    changeFlag: 'CREATED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.propertyChange',
    objectTypeId: '0-53',
    objectId: FOREIGN_ID_BASE + n,
    propertyName: 'hs_amount_billed',
    propertyValue: '10.00',
    changeFlag: 'PROPERTY_CHANGED',
    changeSource: null,
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.creation',
    objectTypeId: '0-14',
    objectId: FOREIGN_ID_BASE + n,
    changeFlag: 'CREATED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.propertyChange',
    objectTypeId: '0-136',
    objectId: FOREIGN_ID_BASE + n,
    propertyName: 'hs_lead_name',
    propertyValue: 'Intro lead',
    changeFlag: 'PROPERTY_CHANGED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.associationChange',
    fromObjectTypeId: '0-14',
    toObjectTypeId: '0-3',
    fromObjectId: FOREIGN_ID_BASE + n,
    toObjectId: FOREIGN_ID_BASE + n + 1,
    associationTypeId: 64,
    associationCategory: 'HUBSPOT_DEFINED',
    associationRemoved: false,
    isPrimaryAssociation: false,
    changeFlag: 'ASSOCIATION_ADDED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.deletion',
    objectTypeId: '0-53',
    objectId: FOREIGN_ID_BASE + n,
    changeFlag: 'DELETED',
    changeSource: null,
    sourceId: null,
  }),
];
