import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// The custom search attributes scripts/temporal-server.sh registers; operators filter the Temporal UI with
// them, e.g. `HubSpotObjectType="contacts" AND SyncDirection="outbound"`. Never put secrets or personal data here.
export const PortalIdKey = defineSearchAttributeKey('PortalId', SearchAttributeType.KEYWORD);
export const HubSpotObjectTypeKey = defineSearchAttributeKey('HubSpotObjectType', SearchAttributeType.KEYWORD);
export const HubSpotObjectIdKey = defineSearchAttributeKey('HubSpotObjectId', SearchAttributeType.KEYWORD);
export const SyncDirectionKey = defineSearchAttributeKey('SyncDirection', SearchAttributeType.KEYWORD);
export const SyncTriggerKey = defineSearchAttributeKey('SyncTrigger', SearchAttributeType.KEYWORD);

export type SyncDirection = 'inbound' | 'outbound';
export type SyncTrigger = 'webhook' | 'schedule' | 'manual' | 'backfill' | 'push';
