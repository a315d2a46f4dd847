// Start-up check of the field mapping against the portal's HubSpot schema. A mapping naming a property HubSpot
// does not have (or writing a read-only one) would fail every push and every read of that field, so the worker
// refuses to start and says which property is wrong. Also creates hubsync_local_id, the push's upsert key.
// HubSpot being briefly unavailable is not a reason to refuse: those failures are retried (the chaos run saw a
// worker started during a burst of 504s exit, and with it the outbox relay).
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HubSpotLockedError,
  HubSpotMigrationError,
  HubSpotNetworkError,
  HubSpotRateLimitError,
  HubSpotServerError,
  type HubSpotClient,
  type PropertyDefinition,
} from './hubspot';
import type { Logger } from './logger';
import { ensureLocalIdProperty, uniquePropertyUsable } from './outbound/hubspot-schema';
import { PUSH_OBJECT_TYPES } from './sync/local-changes';
import { CRM_OBJECT_TYPES, type CrmObjectType } from './sync/object-types';
import { validateMappingAgainstProperties, type MappingProblem } from './sync/mapping';
import type { MappingConfig } from './sync/mapping-types';

export class MappingStartupError extends Error {
  override readonly name = 'MappingStartupError';
  constructor(readonly problems: readonly MappingProblem[]) {
    super(
      `the sync mapping does not match HubSpot's properties:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`,
    );
  }
}

export interface StartupRetry {
  /** Give up on a HubSpot that stays unavailable after this long (default 10 minutes). */
  retryForMs?: number;
  /** First pause between attempts; doubles up to 30 s (default 1 s). */
  firstDelayMs?: number;
}

const TRANSIENT = [
  HubSpotServerError,
  HubSpotNetworkError,
  HubSpotRateLimitError,
  HubSpotLockedError,
  HubSpotMigrationError,
];

/**
 * Fetches the property definitions of every mapped object type, validates the mapping against them (throws
 * MappingStartupError naming each bad property), then makes sure hubsync_local_id exists on each type. 5xx,
 * 429, 423, 477 and network failures are retried with backoff; any other failure is final.
 */
export async function checkMappingAtStartup(
  hubspot: HubSpotClient,
  mapping: MappingConfig,
  logger?: Logger,
  retry: StartupRetry = {},
): Promise<void> {
  const deadline = Date.now() + (retry.retryForMs ?? 10 * 60_000);
  let delayMs = retry.firstDelayMs ?? 1_000;
  for (;;) {
    try {
      return await checkMapping(hubspot, mapping, logger);
    } catch (err) {
      if (!TRANSIENT.some((kind) => err instanceof kind) || Date.now() + delayMs > deadline) throw err;
      logger?.warn(
        { err: (err as Error).message, retryInMs: delayMs },
        'HubSpot unavailable at start-up: checking the mapping again',
      );
      await sleep(delayMs);
      delayMs = Math.min(delayMs * 2, 30_000);
    }
  }
}

async function checkMapping(hubspot: HubSpotClient, mapping: MappingConfig, logger?: Logger): Promise<void> {
  // Every mapped CRM type is checked (a read-only one too: its mapped properties must exist); pushed ones also
  // get their upsert key.
  const types = CRM_OBJECT_TYPES.filter((type) => mapping[type].fields.length > 0);
  const definitions: Partial<Record<CrmObjectType, PropertyDefinition[]>> = {};
  for (const type of types) definitions[type] = await hubspot.getProperties(type);

  const problems = validateMappingAgainstProperties(mapping, definitions);
  if (problems.length > 0) throw new MappingStartupError(problems);

  for (const type of PUSH_OBJECT_TYPES.filter((t) => mapping[t].fields.length > 0)) {
    const defs = definitions[type] ?? [];
    await ensureLocalIdProperty(hubspot, type, defs);
    const unique = mapping[type].uniqueProperty;
    if (unique && !uniquePropertyUsable(mapping, type, defs)) {
      logger?.warn(
        { objectType: type, property: unique },
        'unique property is not declared unique in HubSpot: new records are upserted by hubsync_local_id instead',
      );
    }
  }
}
