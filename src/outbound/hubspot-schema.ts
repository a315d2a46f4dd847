// What the push needs to know about a portal's HubSpot schema, learned once per process and portal:
// whether the mapping's unique property may be used as an upsert key, and that hubsync_local_id exists.
import { HubSpotConflictError, type HubSpotClient, type PropertyDefinition } from '../hubspot';
import type { MappingConfig } from '../sync/mapping-types';
import type { CrmObjectType } from '../sync/object-types';
import { LOCAL_ID_PROPERTY } from '../sync/push-plan';

// HubSpot files custom properties under a group; these are the standard "… information" groups. Other types
// (products, line items, engagements) use the group of one of their existing properties.
const PROPERTY_GROUP: Readonly<Partial<Record<CrmObjectType, string>>> = {
  contacts: 'contactinformation',
  companies: 'companyinformation',
  deals: 'dealinformation',
  tickets: 'ticketinformation',
  tasks: 'task_information',
};

/**
 * Creates hubsync_local_id (a hidden, unique string property) on `type` unless `definitions` already has it.
 * Two workers racing here both succeed: HubSpot's 409 for an existing name means the work is done.
 */
export async function ensureLocalIdProperty(
  hubspot: HubSpotClient,
  type: CrmObjectType,
  definitions: readonly PropertyDefinition[],
): Promise<void> {
  if (definitions.some((d) => d.name === LOCAL_ID_PROPERTY)) return;
  try {
    await hubspot.createProperty(type, {
      name: LOCAL_ID_PROPERTY,
      label: 'hubsync local id',
      description: 'Id of the record in the platform database; written by hubsync so retried creates never duplicate.',
      type: 'string',
      fieldType: 'text',
      groupName: PROPERTY_GROUP[type] ?? definitions.find((d) => d.groupName)?.groupName ?? 'information',
      hasUniqueValue: true,
      hidden: true,
    });
  } catch (err) {
    if (!(err instanceof HubSpotConflictError)) throw err;
  }
}

/** HubSpot accepts an upsert idProperty only when the property is declared unique (email is; domain is not). */
export function uniquePropertyUsable(
  mapping: MappingConfig,
  type: CrmObjectType,
  definitions: readonly PropertyDefinition[],
): boolean {
  const unique = mapping[type].uniqueProperty;
  return unique !== undefined && definitions.some((d) => d.name === unique && d.hasUniqueValue === true);
}

export interface PushSchema {
  uniquePropertyUsable: boolean;
}

/** Memoised per portal and type; a failed lookup is forgotten so the next activity attempt asks again. */
export function createPushSchemaCache(
  hubspotFor: (portalId: string) => HubSpotClient,
  mappingFor: (portalId: string) => Promise<MappingConfig>,
) {
  const cache = new Map<string, Promise<PushSchema>>();
  return (portalId: string, type: CrmObjectType): Promise<PushSchema> => {
    const key = `${portalId}:${type}`;
    let entry = cache.get(key);
    if (!entry) {
      const hubspot = hubspotFor(portalId);
      entry = (async () => {
        const definitions = await hubspot.getProperties(type);
        await ensureLocalIdProperty(hubspot, type, definitions);
        return { uniquePropertyUsable: uniquePropertyUsable(await mappingFor(portalId), type, definitions) };
      })();
      entry.catch(() => cache.delete(key));
      cache.set(key, entry);
    }
    return entry;
  };
}
