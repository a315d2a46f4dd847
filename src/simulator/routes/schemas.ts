// Custom object schemas: /crm-object-schemas/v3/schemas (and its /crm/v3/schemas alias). Sources: the schemas
// spec (PublicApiSpecs/CRM/Schemas/Rollouts/145900/v3/schemas.json) and the schemas guide
// (developers.hubspot.com/docs/api-reference/legacy/crm/objects/schemas/guide); see FIDELITY.md.
import { defineCustomAssociationTypes } from '../associations';
import { fullyQualifiedName, registerCustomType, type CustomSchema } from '../custom-types';
import { asObject, boolParam, HubSpotError, iso, notFound, validation } from '../http-util';
import type { Ctx, Router } from '../router';
import { objectTypeFromSegment, renderPropertyDefinition, type PropertyDefinition, type PropertyType } from '../schema';
import { TypeStore } from '../store';

const PROPERTY_TYPES: PropertyType[] = ['string', 'number', 'datetime', 'date', 'enumeration', 'bool'];
// Association definition ids are the account's own; HubSpot documents no range, so they start here _(choice)_.
let nextAssociationId = 900;

export function registerSchemaRoutes(router: Router): void {
  for (const base of ['/crm-object-schemas/v3/schemas', '/crm/v3/schemas']) {
    router.add('GET', base, list);
    router.add('POST', base, createSchema);
    router.add('GET', `${base}/:objectType`, (ctx) => ({ status: 200, body: render(ctx, schemaOf(ctx)) }));
  }
}

const schemasOf = (ctx: Ctx): Map<string, CustomSchema> => ctx.portal.store.schemas;

function schemaOf(ctx: Ctx): CustomSchema {
  const info = objectTypeFromSegment(ctx.params.objectType ?? '');
  const schema = info && schemasOf(ctx).get(info.typeId);
  if (!schema) throw notFound(`Unable to find object type ${ctx.params.objectType}`);
  return schema;
}

// `archived=true` lists deleted schemas: the simulator cannot delete one, so that list is empty.
function list(ctx: Ctx) {
  const results = boolParam(ctx.query.get('archived')) ? [] : [...schemasOf(ctx).values()].map((s) => render(ctx, s));
  return { status: 200, body: { results } };
}

const stringList = (value: unknown, field: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw validation(`${field} must be an array of strings`);
  return value as string[];
};

/**
 * ObjectSchemaEgg: name, labels, properties and associatedObjects are required (schemas spec); the name holds
 * letters, numbers and underscores and starts with a letter (schemas guide); required, searchable and display
 * properties must be among the defined ones; associatedObjects names types (CONTACT, 0-1, or another schema).
 */
export function createSchema(ctx: Ctx) {
  const body = asObject(ctx.json());
  const name = String(body.name ?? '');
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
    throw validation(`name must start with a letter and hold only letters, numbers and underscores (got '${name}')`);
  const labels = asObject(body.labels ?? null, 'labels');
  if (typeof labels.singular !== 'string' || typeof labels.plural !== 'string')
    throw validation('labels.singular and labels.plural are required');
  if ([...schemasOf(ctx).values()].some((s) => s.name === name))
    throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `An object type named '${name}' already exists.`);
  if (!Array.isArray(body.properties)) throw validation('properties must be an array');
  const properties = body.properties.map((raw, i) => propertyOf(asObject(raw, `properties[${i}]`), i));
  const names = new Set(properties.map((p) => p.name));
  const requiredProperties = stringList(body.requiredProperties, 'requiredProperties');
  const searchableProperties = stringList(body.searchableProperties, 'searchableProperties');
  const secondaryDisplayProperties = stringList(body.secondaryDisplayProperties, 'secondaryDisplayProperties');
  const primary = body.primaryDisplayProperty === undefined ? null : String(body.primaryDisplayProperty);
  for (const p of [
    ...requiredProperties,
    ...searchableProperties,
    ...secondaryDisplayProperties,
    ...(primary ? [primary] : []),
  ])
    if (!names.has(p)) throw validation(`Property ${p} is not defined on the object type`);
  const targets = stringList(body.associatedObjects, 'associatedObjects').map((t) => {
    const info = objectTypeFromSegment(t);
    if (!info) throw validation(`Unable to infer object type from: ${t}`);
    return info;
  });

  const info = registerCustomType(ctx.portal.portalId, name, labels.singular, searchableProperties, [
    ...(primary ? [primary] : []),
  ]);
  const ts = new TypeStore(info.name, properties);
  ts.requiredOnCreate = requiredProperties;
  ctx.portal.store.custom.set(info.typeId, ts);
  const schema: CustomSchema = {
    objectTypeId: info.name as CustomSchema['objectTypeId'],
    name,
    labels: { singular: labels.singular, plural: labels.plural },
    primaryDisplayProperty: primary,
    requiredProperties,
    searchableProperties,
    secondaryDisplayProperties,
    associations: [],
    createdAt: Date.now(),
  };
  for (const target of targets) {
    const forward = nextAssociationId++;
    const reverse = nextAssociationId++;
    defineCustomAssociationTypes(info.name, target.name, forward, reverse);
    const other = (to: string) => `${name}_to_${to}`.toLowerCase();
    schema.associations.push(
      {
        id: String(forward),
        fromObjectTypeId: info.typeId,
        toObjectTypeId: target.typeId,
        name: other(target.singular),
      },
      {
        id: String(reverse),
        fromObjectTypeId: target.typeId,
        toObjectTypeId: info.typeId,
        name: `${target.singular}_to_${name}`.toLowerCase(),
      },
    );
  }
  schemasOf(ctx).set(info.typeId, schema);
  return { status: 201, body: render(ctx, schema) };
}

function propertyOf(raw: Record<string, unknown>, i: number): PropertyDefinition {
  const name = String(raw.name ?? '');
  const type = String(raw.type ?? 'string') as PropertyType;
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw validation(`properties[${i}].name: invalid property name '${name}'`);
  if (!PROPERTY_TYPES.includes(type)) throw validation(`properties[${i}].type: invalid property type '${type}'`);
  const options = Array.isArray(raw.options)
    ? (raw.options as Array<{ label?: unknown; value?: unknown }>).map((o, n) => ({
        label: String(o.label ?? o.value),
        value: String(o.value),
        displayOrder: n,
        hidden: false,
      }))
    : [];
  return {
    name,
    label: String(raw.label ?? name),
    type,
    fieldType: String(raw.fieldType ?? 'text'),
    options,
    calculated: false,
    readOnlyValue: false,
    hasUniqueValue: raw.hasUniqueValue === true,
    custom: true,
  };
}

/** ObjectSchema as the spec lists it; property definitions are the type's current ones (live only). */
function render(ctx: Ctx, schema: CustomSchema): Record<string, unknown> {
  const ts = ctx.portal.store.of(schema.objectTypeId);
  return {
    id: schema.objectTypeId.slice(2),
    objectTypeId: schema.objectTypeId,
    fullyQualifiedName: fullyQualifiedName(ctx.portal.portalId, schema.name),
    name: schema.name,
    labels: schema.labels,
    metaType: 'PORTAL_SPECIFIC',
    portalId: Number(ctx.portal.portalId),
    primaryDisplayProperty: schema.primaryDisplayProperty ?? undefined,
    requiredProperties: schema.requiredProperties,
    searchableProperties: schema.searchableProperties,
    secondaryDisplayProperties: schema.secondaryDisplayProperties,
    properties: [...ts.properties.values()].map((d) => renderPropertyDefinition(d, schema.objectTypeId)),
    associations: schema.associations,
    archived: false,
    createdAt: iso(schema.createdAt),
    updatedAt: iso(schema.createdAt),
  };
}
