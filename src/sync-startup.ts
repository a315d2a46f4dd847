// Start-up check of the field mapping against the portal's HubSpot schema. A mapping naming a property HubSpot
// does not have (or writing a read-only one) would fail every push and every read of that field, so the worker
// refuses to start and says which property is wrong. Also creates hubsync_local_id, the push's upsert key.
import type { HubSpotClient, PropertyDefinition } from './hubspot';
import type { Logger } from './logger';
import { ensureLocalIdProperty, uniquePropertyUsable } from './push/hubspot-schema';
import { PUSH_OBJECT_TYPES, type PushObjectType } from './push/changes';
import { validateMappingAgainstProperties, type MappingProblem } from './sync/mapping';
import type { MappingConfig } from './sync/mapping-types';

export class MappingStartupError extends Error {
  override readonly name = 'MappingStartupError';
  constructor(readonly problems: readonly MappingProblem[]) {
    super(`the sync mapping does not match HubSpot's properties:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
  }
}

/**
 * Fetches the property definitions of every mapped object type, validates the mapping against them (throws
 * MappingStartupError naming each bad property), then makes sure hubsync_local_id exists on each type.
 */
export async function checkMappingAtStartup(hubspot: HubSpotClient, mapping: MappingConfig, logger?: Logger): Promise<void> {
  const types = PUSH_OBJECT_TYPES.filter((type) => mapping[type].fields.length > 0);
  const definitions: Partial<Record<PushObjectType, PropertyDefinition[]>> = {};
  for (const type of types) definitions[type] = await hubspot.getProperties(type);

  const problems = validateMappingAgainstProperties(mapping, definitions);
  if (problems.length > 0) throw new MappingStartupError(problems);

  for (const type of types) {
    const defs = definitions[type] ?? [];
    await ensureLocalIdProperty(hubspot, type, defs);
    const unique = mapping[type].uniqueProperty;
    if (unique && !uniquePropertyUsable(mapping, type, defs)) {
      logger?.warn({ objectType: type, property: unique }, 'unique property is not declared unique in HubSpot: new records are upserted by hubsync_local_id instead');
    }
  }
}
