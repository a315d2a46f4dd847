// Property definitions, owners and account users.
import { asObject, boolParam, HubSpotError, intParam, iso, notFound, validation } from '../http-util';
import type { Ctx, Router } from '../router';
import { renderPropertyDefinition, type PropertyType } from '../schema';
import type { Owner } from '../store';
import { typeStore } from './common';

export function registerMetaRoutes(router: Router): void {
  // `archived=true` lists the archived properties instead of the live ones (properties reference, "Read all
  // properties": archived, default false).
  router.add('GET', '/crm/v3/properties/:type', (ctx) => {
    const ts = typeStore(ctx);
    const defs = boolParam(ctx.query.get('archived')) ? ts.archivedProperties : ts.properties;
    return {
      status: 200,
      body: {
        results: [...defs.values()].map((d) => renderPropertyDefinition(d, ts.type, defs === ts.archivedProperties)),
      },
    };
  });
  router.add('GET', '/crm/v3/properties/:type/:name', (ctx) => {
    const ts = typeStore(ctx);
    const def = ts.properties.get(ctx.params.name ?? '');
    if (!def) throw notFound(`Unable to find property ${ctx.params.name}`);
    return { status: 200, body: renderPropertyDefinition(def, ts.type) };
  });
  router.add('POST', '/crm/v3/properties/:type', createProperty);
  router.add('DELETE', '/crm/v3/properties/:type/:name', archiveProperty);
  router.add('GET', '/crm/v3/owners', owners);
  router.add('GET', '/crm/v3/owners/:ownerId', (ctx) => {
    const owner = ctx.portal.store.owners.find((o) => o.id === ctx.params.ownerId);
    if (!owner) throw notFound(`Owner ${ctx.params.ownerId} not found`);
    return { status: 200, body: renderOwner(owner) };
  });
  router.add('GET', '/settings/v3/users', users);
}

const TYPES: PropertyType[] = ['string', 'number', 'datetime', 'date', 'enumeration', 'bool'];

function createProperty(ctx: Ctx) {
  const ts = typeStore(ctx);
  const body = asObject(ctx.json());
  const name = String(body.name ?? '');
  const type = String(body.type ?? 'string') as PropertyType;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw validation(`Invalid property name ${name}`);
  if (!TYPES.includes(type)) throw validation(`Invalid property type ${type}`);
  if (ts.properties.has(name))
    throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `A property named '${name}' already exists.`);
  const options = Array.isArray(body.options)
    ? (body.options as Array<{ label?: unknown; value?: unknown }>).map((o, i) => ({
        label: String(o.label ?? o.value),
        value: String(o.value),
        displayOrder: i,
        hidden: false,
      }))
    : [];
  ts.archivedProperties.delete(name);
  ts.properties.set(name, {
    name,
    label: String(body.label ?? name),
    type,
    fieldType: String(body.fieldType ?? 'text'),
    options,
    calculated: false,
    readOnlyValue: false,
    hasUniqueValue: body.hasUniqueValue === true,
    custom: true,
  });
  if (body.hasUniqueValue === true) {
    ts.lookups.set(name, new Map());
    for (const rec of ts.byId.values()) if (!rec.archived) ts.addLookups(rec);
  }
  return {
    status: 201,
    body: renderPropertyDefinition(
      ts.properties.get(name) as NonNullable<ReturnType<typeof ts.properties.get>>,
      ts.type,
    ),
  };
}

/**
 * "Archive a property: Move a property identified by {propertyName} to the recycling bin" → 204 (properties
 * reference, DELETE /crm/v3/properties/{objectType}/{propertyName}). Its values stay on the records but it is
 * no longer listed or writable. Only custom properties are archivable (`modificationMetadata.archivable`); the
 * answer for a HubSpot-defined one is _(choice)_.
 */
function archiveProperty(ctx: Ctx) {
  const ts = typeStore(ctx);
  const name = ctx.params.name ?? '';
  const def = ts.properties.get(name);
  if (!def) throw notFound(`Unable to find property ${name}`);
  if (!def.custom) throw validation(`The property ${name} is HubSpot-defined and cannot be archived.`);
  ts.properties.delete(name);
  ts.archivedProperties.set(name, def);
  ts.lookups.delete(name);
  return { status: 204 };
}

function renderOwner(o: Owner) {
  return {
    id: o.id,
    email: o.email,
    type: 'PERSON',
    firstName: o.firstName,
    lastName: o.lastName,
    userId: o.userId,
    userIdIncludingInactive: o.userId,
    createdAt: iso(o.createdAt),
    updatedAt: iso(o.updatedAt ?? o.createdAt),
    archived: o.archived,
    // Only an owner on a team has the field: teams exist on some tiers only (owners API description).
    ...(o.teams.length > 0 ? { teams: o.teams.map((t) => ({ id: t.id, name: t.name, primary: t.primary })) } : {}),
  };
}

/** Cursor paging over a small in-memory list; the cursor is the next item's position. */
function page<T>(ctx: Ctx, items: T[], max: number, render: (t: T) => unknown) {
  const limit = intParam(ctx.query.get('limit'), max === 500 ? 100 : 10, 'limit');
  if (limit < 1 || limit > max) throw validation(`limit must be between 1 and ${max}`);
  const start = intParam(ctx.query.get('after'), 0, 'after');
  const slice = items.slice(start, start + limit);
  const body: Record<string, unknown> = { results: slice.map(render) };
  if (start + limit < items.length)
    body.paging = { next: { after: String(start + limit), link: `${ctx.path}?after=${start + limit}` } };
  return { status: 200, body };
}

function owners(ctx: Ctx) {
  const archived = boolParam(ctx.query.get('archived'));
  const email = ctx.query.get('email')?.toLowerCase();
  const list = ctx.portal.store.owners.filter(
    (o) => o.archived === archived && (!email || o.email.toLowerCase() === email),
  );
  return page(ctx, list, 500, renderOwner);
}

function users(ctx: Ctx) {
  const list = ctx.portal.store.owners.filter((o) => !o.archived);
  return page(ctx, list, 100, (o) => ({
    id: String(o.userId),
    email: o.email,
    firstName: o.firstName,
    lastName: o.lastName,
    roleIds: [],
    primaryTeamId: undefined,
    superAdmin: false,
  }));
}
