// Public surface of the HubSpot client: import from here, not from the individual files.
export { createHubSpotClient, type HubSpotClient, type HubSpotClientOptions } from './client';
export { StaticTokenProvider, type TokenProvider } from './tokens';
export {
  CRM_OBJECT_TYPES,
  LAST_MODIFIED_PROPERTY,
  type AssociationInput,
  type BatchInputError,
  type BatchOutcome,
  type BatchReadOptions,
  type CrmObjectType,
  type CrmTypeRef,
  type ListOptions,
  MALFORMED_RECORD_CATEGORY,
  type Properties,
  type SearchFilter,
  type SearchOperator,
  type SearchRequest,
} from './objects';
export type { AccountUser, CrmObject, Owner, PropertyDefinition } from './schemas';
export type { NewPropertyDefinition } from './properties';
export type { CustomObjectSchema } from './custom-schemas';
export {
  type ChangeWindow,
  type ChangeWindowCursor,
  type ChangeWindowOptions,
  lastModifiedMs,
  parseTimestamp,
} from './change-window';
export type { AssociatedRecord, AssociationLabelDefinition, AssociationSpec, AssociationsOf } from './associations';
export * from './errors';
export { type PortalRateLimiter, resetPortalRateLimiters } from './rate-limiter';
export type { RequestInfo } from './transport';
