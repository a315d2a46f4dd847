// Associations v4 batch endpoints: /crm/v4/associations/{from}/{to}/batch/...
import { associationTypeIds, invalidAssociationType, isHubSpotDefinedType } from '../associations';
import { asObject, HubSpotError, iso, validation } from '../http-util';
import type { Ctx, Router } from '../router';
import type { SimRecord, TypeStore } from '../store';
import { inputsOf, typeStore } from './common';

export function registerAssociationRoutes(router: Router): void {
  router.add('POST', '/crm/v4/associations/:from/:to/batch/read', read);
  router.add('POST', '/crm/v4/associations/:from/:to/batch/create', (ctx) => create(ctx, false));
  router.add('POST', '/crm/v4/associations/:from/:to/batch/associate/default', (ctx) => create(ctx, true));
  router.add('POST', '/crm/v4/associations/:from/:to/batch/archive', archive);
  router.add('POST', '/crm/v4/associations/:from/:to/batch/labels/archive', archiveLabels);
  router.add('GET', '/crm/v4/associations/:from/:to/labels', labels);
  router.add('POST', '/crm/v4/associations/:from/:to/labels', defineLabel);
}

// GET …/labels: `{ results: [{ category, typeId, label }] }`, the unlabelled type with label null (associations v4
// guide, "Retrieve association labels"; assoc schema spec, CollectionResponseAssociationSpecWithLabelNoPaging).
function labels(ctx: Ctx) {
  const { from, to } = sides(ctx);
  return { status: 200, body: { results: ctx.portal.store.associations.labels(from.type, to.type) } };
}

// POST …/labels `{ label, name, inverseLabel? }` → 200 `{ results: [{ category: USER_DEFINED, typeId, label }] }`
// (associations v4 guide, "Create association labels"; assoc schema spec).
function defineLabel(ctx: Ctx) {
  const { from, to } = sides(ctx);
  const body = asObject(ctx.json());
  if (typeof body.label !== 'string' || body.label === '') throw validation('label is required');
  if (typeof body.name !== 'string' || body.name === '') throw validation('name is required');
  const inverse = typeof body.inverseLabel === 'string' && body.inverseLabel !== '' ? body.inverseLabel : undefined;
  const results = ctx.portal.store.associations.defineLabel(from.type, to.type, body.label, inverse);
  return { status: 200, body: { results } };
}

function sides(ctx: Ctx): { from: TypeStore; to: TypeStore } {
  const from = typeStore(ctx, 'from');
  const to = typeStore(ctx, 'to');
  if (!associationTypeIds(from.type, to.type)) throw validation(`${from.type} cannot be associated with ${to.type}`);
  return { from, to };
}

const idOf = (v: unknown): string => String((v as { id?: unknown } | undefined)?.id ?? '');

function active(ts: TypeStore, id: string): SimRecord | undefined {
  const rec = ts.resolve(id);
  return rec && !rec.archived ? rec : undefined;
}

function read(ctx: Ctx) {
  const started = Date.now();
  const { from, to } = sides(ctx);
  const inputs = inputsOf(asObject(ctx.json()), 1000);
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    const id = idOf(input);
    const rec = active(from, id);
    const targets = rec ? ctx.portal.store.listedTargets(rec, to.type) : undefined;
    if (!rec || !targets || targets.length === 0) {
      missing.push(id);
      continue;
    }
    results.push({
      from: { id: String(rec.id) },
      to: targets.map(({ toId, typeIds }) => ({
        toObjectId: toId,
        associationTypes: typeIds.map((typeId) => {
          const def = ctx.portal.store.associations.labelOf(from.type, to.type, typeId);
          return { category: def?.category ?? 'HUBSPOT_DEFINED', typeId, label: def?.label ?? null };
        }),
      })),
    });
  }
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt: iso(started),
    completedAt: iso(Date.now()),
  };
  if (missing.length > 0) {
    body.numErrors = missing.length;
    body.errors = missing.map((id) => ({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      message: `No ${to.info.singular} is associated with ${from.info.singular} ${id}.`,
      context: { fromObjectId: [id] },
    }));
  }
  return { status: missing.length > 0 ? 207 : 200, body };
}

function create(ctx: Ctx, defaultOnly: boolean) {
  const started = Date.now();
  const { from, to } = sides(ctx);
  const inputs = inputsOf(asObject(ctx.json()), 100);
  const ids = associationTypeIds(from.type, to.type);
  const results: unknown[] = [];
  for (const input of inputs) {
    const a = active(from, idOf(input.from));
    const b = active(to, idOf(input.to));
    if (!a || !b)
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `One or more objects do not exist: ${idOf(input.from)} -> ${idOf(input.to)}`,
      );
    const types = defaultOnly
      ? []
      : Array.isArray(input.types)
        ? (input.types as Array<{ associationTypeId?: unknown; associationCategory?: unknown }>)
        : [];
    // A type is HubSpot's own for the direction, or one of the portal's custom labels of that direction.
    const store = ctx.portal.store.associations;
    const custom = (t: (typeof types)[number]) =>
      t?.associationCategory === 'USER_DEFINED' &&
      store.labelOf(from.type, to.type, Number(t.associationTypeId))?.category === 'USER_DEFINED';
    const bad = types.filter(
      (t) =>
        !custom(t) &&
        (t?.associationCategory !== 'HUBSPOT_DEFINED' ||
          !isHubSpotDefinedType(from.type, to.type, Number(t.associationTypeId))),
    );
    if (!defaultOnly && (types.length === 0 || bad.length > 0))
      throw invalidAssociationType(
        from.info.singular,
        bad.map((t) => String(t?.associationTypeId)).join(', ') || 'none',
      );
    const primary = types.some((t) => Number(t.associationTypeId) === ids?.primary);
    const actor = ctx.sim.apiActor();
    ctx.portal.mutator.associate(a, b, false, primary, actor);
    for (const t of types.filter(custom))
      ctx.portal.mutator.associate(a, b, false, false, actor, Date.now(), Number(t.associationTypeId));
    results.push({
      fromObjectTypeId: from.info.typeId,
      fromObjectId: a.id,
      toObjectTypeId: to.info.typeId,
      toObjectId: b.id,
      labels: [
        ...(primary ? ['Primary'] : []),
        ...types.filter(custom).map((t) => store.labelOf(from.type, to.type, Number(t.associationTypeId))?.label),
      ],
    });
  }
  // v4 batch/create answers 201 (HubSpot-public-api-spec-collection, CRM/Associations/…/v4/associations.json).
  return {
    status: defaultOnly ? 200 : 201,
    body: { status: 'COMPLETE', results, startedAt: iso(started), completedAt: iso(Date.now()) },
  };
}

function archive(ctx: Ctx) {
  const { from, to } = sides(ctx);
  const inputs = inputsOf(asObject(ctx.json()), 100);
  for (const input of inputs) {
    const a = active(from, idOf(input.from));
    const targets = Array.isArray(input.to) ? input.to : [input.to];
    for (const t of targets) {
      const b = active(to, idOf(t));
      if (a && b) ctx.portal.mutator.associate(a, b, true, false, ctx.sim.apiActor());
    }
  }
  return { status: 204 };
}

// batch/labels/archive `{ inputs: [{ from, to, types }] }` → 204: removes those types only, the association and its
// other types stay (assoc spec, "Delete specific labels"; associations v4 guide, "Remove associations").
function archiveLabels(ctx: Ctx) {
  const { from, to } = sides(ctx);
  const inputs = inputsOf(asObject(ctx.json()), 100);
  for (const input of inputs) {
    const a = active(from, idOf(input.from));
    const b = active(to, idOf(input.to));
    const types = Array.isArray(input.types) ? (input.types as Array<{ associationTypeId?: unknown }>) : [];
    if (a && b)
      for (const t of types) ctx.portal.mutator.unlabel(a, b, Number(t.associationTypeId), ctx.sim.apiActor());
  }
  return { status: 204 };
}
