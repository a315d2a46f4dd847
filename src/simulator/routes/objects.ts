// Single-object CRUD, list, search, merge and GDPR delete: /crm/v3/objects/{type}...
import { asObject, boolParam, HubSpotError, intParam, validation } from '../http-util';
import { associationTypeIds, invalidAssociationType, targetOfType } from '../associations';
import { assertRequiredOnCreate, normaliseProperties, renderRecord } from '../render';
import type { Ctx, Router } from '../router';
import type { TypeStore } from '../store';
import { parseSearch } from '../search';
import { runSearch } from '../search-plan';
import { objectTypeFromSegment, typeInfo } from '../schema';
import { findRecord, objectNotFound, renderOptions, typeStore } from './common';

const encodeAfter = (id: number): string => Buffer.from(String(id)).toString('base64url');
function decodeAfter(after: string): number {
  const id = Number(Buffer.from(after, 'base64url').toString('utf8'));
  if (!Number.isInteger(id)) throw validation(`Invalid after cursor: ${after}`);
  return id;
}

export function registerObjectRoutes(router: Router): void {
  router.add('POST', '/crm/v3/objects/:type/search', search, { search: true });
  router.add('POST', '/crm/v3/objects/:type/merge', merge);
  router.add('POST', '/crm/v3/objects/:type/gdpr-delete', gdprDelete);
  router.add('GET', '/crm/v3/objects/:type', list);
  router.add('POST', '/crm/v3/objects/:type', create);
  router.add('GET', '/crm/v3/objects/:type/:id', get);
  router.add('PATCH', '/crm/v3/objects/:type/:id', update);
  router.add('DELETE', '/crm/v3/objects/:type/:id', archive);
}

function list(ctx: Ctx) {
  const ts = typeStore(ctx);
  const opts = renderOptions(ctx);
  const max = opts.propertiesWithHistory && opts.propertiesWithHistory.length > 0 ? 50 : 100;
  const limit = intParam(ctx.query.get('limit'), 10, 'limit');
  if (limit < 1 || limit > max) throw validation(`limit must be between 1 and ${max} (got ${limit})`);
  const after = ctx.query.get('after');
  const index = boolParam(ctx.query.get('archived')) ? ts.archived : ts.active;
  const from = after ? decodeAfter(after) : -Infinity;
  const page: ReturnType<typeof renderRecord>[] = [];
  let nextId: number | undefined;
  index.scan(index.lowerBound(from, -Infinity), (_k, _id, rec) => {
    if (page.length === limit) {
      nextId = rec.id;
      return false;
    }
    page.push(renderRecord(ctx.portal.store, rec, opts));
    return true;
  });
  const body: Record<string, unknown> = { results: page };
  if (nextId !== undefined) {
    const token = encodeAfter(nextId);
    body.paging = { next: { after: token, link: `${ctx.path}?after=${token}` } };
  }
  return { status: 200, body };
}

function get(ctx: Ctx) {
  const ts = typeStore(ctx);
  const rec = findRecord(
    ts,
    ctx.params.id ?? '',
    ctx.query.get('idProperty') ?? undefined,
    boolParam(ctx.query.get('archived')),
  );
  return { status: 200, body: renderRecord(ctx.portal.store, rec, renderOptions(ctx)) };
}

function create(ctx: Ctx) {
  const ts = typeStore(ctx);
  const body = asObject(ctx.json());
  const props = normaliseProperties(ts, body.properties);
  assertRequiredOnCreate(ts, props);
  const links = parseCreateAssociations(ctx, ts, body.associations);
  const rec = ctx.portal.mutator.create(ts.type, props, ctx.sim.apiActor());
  for (const { to, primary } of links) ctx.portal.mutator.associate(rec, to, false, primary, ctx.sim.apiActor());
  return { status: 201, body: renderRecord(ctx.portal.store, rec) };
}

/**
 * `associations: [{ to: { id }, types: [{ associationCategory, associationTypeId }] }]` on create. The type id names
 * the target object type; an id HubSpot does not define for this object is refused (associations v4 guide: use the
 * HubSpot-defined type ids of the right direction, or a label's id read from the labels endpoint).
 */
function parseCreateAssociations(ctx: Ctx, ts: TypeStore, raw: unknown) {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw validation('Invalid input JSON: associations must be an array');
  return raw.map((a: unknown) => {
    const item = (a ?? {}) as { to?: { id?: unknown }; types?: Array<{ associationTypeId?: unknown }> };
    const id = String(item.to?.id ?? '');
    const typeIds = (Array.isArray(item.types) ? item.types : []).map((t) => Number(t?.associationTypeId));
    if (typeIds.length === 0) throw validation(`Association to ${id} has no types`);
    const targets = new Set(typeIds.map((t) => targetOfType(ts.type, t)));
    const toType = targets.size === 1 ? [...targets][0] : undefined;
    if (!toType)
      throw invalidAssociationType(ts.info.singular, typeIds.filter((t) => !targetOfType(ts.type, t)).join(', '));
    const target = ctx.portal.store.of(toType).resolve(id);
    if (!target || target.archived)
      throw validation(`One or more associated objects do not exist: ${typeInfo(toType).singular} ${id}`);
    const primaryId = associationTypeIds(ts.type, toType)?.primary;
    return { to: target, primary: primaryId !== null && typeIds.includes(primaryId as number) };
  });
}

function update(ctx: Ctx) {
  const ts = typeStore(ctx);
  const rec = findRecord(ts, ctx.params.id ?? '', ctx.query.get('idProperty') ?? undefined, false);
  const props = normaliseProperties(ts, asObject(ctx.json()).properties);
  ctx.portal.mutator.update(rec, props, ctx.sim.apiActor());
  return { status: 200, body: renderRecord(ctx.portal.store, rec) };
}

function archive(ctx: Ctx) {
  const ts = typeStore(ctx);
  const rec = ts.resolve(ctx.params.id ?? '');
  if (rec && !rec.archived) ctx.portal.mutator.archive(rec, ctx.sim.apiActor());
  return { status: 204 };
}

function search(ctx: Ctx) {
  const ts = typeStore(ctx);
  const parsed = parseSearch(ctx.raw, asObject(ctx.json()));
  ctx.portal.store.flushIndexing();
  const { total, records } = runSearch(ts, parsed);
  const body: Record<string, unknown> = {
    total,
    results: records.map((r) => renderRecord(ctx.portal.store, r, { properties: parsed.properties })),
  };
  const next = parsed.offset + parsed.limit;
  if (next < total && parsed.limit > 0) body.paging = { next: { after: String(next) } };
  return { status: 200, body };
}

function merge(ctx: Ctx) {
  const ts = typeStore(ctx);
  const body = asObject(ctx.json());
  const primary = ts.resolve(String(body.primaryObjectId ?? ''));
  const other = ts.resolve(String(body.objectIdToMerge ?? ''));
  if (!primary || !other || primary.archived || other.archived) throw objectNotFound();
  const survivor = ctx.portal.mutator.merge(primary, other, ctx.sim.apiActor());
  return { status: 200, body: renderRecord(ctx.portal.store, survivor) };
}

function gdprDelete(ctx: Ctx) {
  const info = objectTypeFromSegment(ctx.params.type ?? '');
  if (info?.name !== 'contacts')
    throw new HubSpotError(400, 'VALIDATION_ERROR', 'GDPR delete is only available for contacts');
  const body = asObject(ctx.json());
  const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
  const ts = ctx.portal.store.types.contacts;
  const rec = ts.resolve(String(body.objectId ?? ''), idProperty);
  if (!rec) throw objectNotFound();
  ctx.portal.mutator.gdprDelete(rec, ctx.sim.apiActor());
  return { status: 204 };
}
