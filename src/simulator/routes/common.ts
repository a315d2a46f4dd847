// Helpers the HubSpot routes share: resolving the object type and reading common parameters.
import { HubSpotError, listParam, notFound } from '../http-util';
import type { RenderOptions } from '../render';
import type { Ctx } from '../router';
import { objectTypeFromSegment, type ObjectTypeName } from '../schema';
import type { SimRecord, TypeStore } from '../store';

export function typeStore(ctx: Ctx, param = 'type'): TypeStore {
  const segment = ctx.params[param] ?? '';
  const info = objectTypeFromSegment(segment);
  if (!info) throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${segment}`);
  return ctx.portal.store.of(info.name);
}

export function associationTypes(ctx: Ctx): ObjectTypeName[] {
  return listParam(ctx.query, 'associations').map((s) => {
    const info = objectTypeFromSegment(s);
    if (!info) throw new HubSpotError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${s}`);
    return info.name;
  });
}

export function renderOptions(ctx: Ctx): RenderOptions {
  return {
    properties: listParam(ctx.query, 'properties'),
    propertiesWithHistory: listParam(ctx.query, 'propertiesWithHistory'),
    associations: associationTypes(ctx),
  };
}

export const objectNotFound = (): HubSpotError => notFound('Object not found.  objectId are usually numeric.');

/** A record that is visible to the call: archived ones only when archived=true was asked for. */
export function findRecord(ts: TypeStore, id: string, idProperty: string | undefined, archived: boolean): SimRecord {
  if (idProperty && idProperty !== 'hs_object_id' && !ts.lookups.has(idProperty)) {
    throw new HubSpotError(400, 'VALIDATION_ERROR', `${idProperty} is not a unique property`);
  }
  const rec = ts.resolve(id, idProperty);
  if (!rec || rec.archived !== archived) throw objectNotFound();
  return rec;
}

export function inputsOf(body: Record<string, unknown>, max: number): Array<Record<string, unknown>> {
  const inputs = body.inputs;
  if (!Array.isArray(inputs))
    throw new HubSpotError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array');
  if (inputs.length > max)
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Batch input limit exceeded: at most ${max} inputs are allowed (got ${inputs.length})`,
    );
  return inputs.map((i: unknown) => (i && typeof i === 'object' ? (i as Record<string, unknown>) : {}));
}
