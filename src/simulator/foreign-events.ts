// Events of subscriptions hubsync does not sync. HubSpot sends one app every subscription it has in the same
// batches (webhooks guide: a request carries up to 100 events of any subscription), so an app that also subscribes
// to line items, products or generic objects receives them beside contact events. Shapes follow the webhooks
// guide's payload fields and the generic format (changelog "Public Beta: Generic Webhook Subscriptions");
// optional fields are null where HubSpot has nothing to report. Object type ids: line items 0-8, products 0-7,
// calls 0-48, deals 0-3 ("Understanding the CRM", object type IDs); line item → deal association type 20
// (associations v4 type-id table).

const FOREIGN_ID_BASE = 7_000_000_000;

export const FOREIGN_EVENTS: Array<(n: number) => Record<string, unknown>> = [
  (n) => ({
    subscriptionType: 'line_item.creation',
    objectId: FOREIGN_ID_BASE + n,
    changeFlag: 'CREATED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'product.propertyChange',
    objectId: FOREIGN_ID_BASE + n,
    propertyName: 'price',
    propertyValue: '10.00',
    changeFlag: 'PROPERTY_CHANGED',
    changeSource: null,
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.creation',
    objectTypeId: '0-8',
    objectId: FOREIGN_ID_BASE + n,
    changeFlag: 'CREATED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.propertyChange',
    objectTypeId: '0-48',
    objectId: FOREIGN_ID_BASE + n,
    propertyName: 'hs_call_title',
    propertyValue: 'Intro call',
    changeFlag: 'PROPERTY_CHANGED',
    changeSource: 'CALLING',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.associationChange',
    fromObjectTypeId: '0-8',
    toObjectTypeId: '0-3',
    fromObjectId: FOREIGN_ID_BASE + n,
    toObjectId: FOREIGN_ID_BASE + n + 1,
    associationTypeId: 20,
    associationCategory: 'HUBSPOT_DEFINED',
    associationRemoved: false,
    isPrimaryAssociation: false,
    changeFlag: 'ASSOCIATION_ADDED',
    changeSource: 'CRM_UI',
    sourceId: null,
  }),
  (n) => ({
    subscriptionType: 'object.deletion',
    objectTypeId: '0-7',
    objectId: FOREIGN_ID_BASE + n,
    changeFlag: 'DELETED',
    changeSource: null,
    sourceId: null,
  }),
];
