// Batch read/create/update/upsert/archive: ≤ 100 inputs, HubSpot's 207 partial results and duplicate checks.
import { asObject, boolParam, type ErrorDetail, HubSpotError, iso, validation } from '../http-util';
import { assertRequiredOnCreate, normaliseProperties, renderRecord } from '../render';
import type { Ctx, Router } from '../router';
import type { SimRecord, TypeStore } from '../store';
import { inputsOf, typeStore } from './common';

const MAX_INPUTS = 100;

export function registerBatchRoutes(router: Router): void {
  router.add('POST', '/crm/v3/objects/:type/batch/read', read);
  router.add('POST', '/crm/v3/objects/:type/batch/create', create);
  router.add('POST', '/crm/v3/objects/:type/batch/update', update);
  router.add('POST', '/crm/v3/objects/:type/batch/upsert', upsert);
  router.add('POST', '/crm/v3/objects/:type/batch/archive', archive);
}

interface BatchError {
  status: 'error';
  category: string;
  message: string;
  context?: Record<string, unknown>;
  errors?: ErrorDetail[];
}

/**
 * Multi-status mode: HubSpot's error-handling guide, "Multi-status errors" — when every input carries a unique
 * `objectWriteTraceId`, batch create answers 207 with the created records in `results` and one error per refused
 * input, `{ status: "error", category, message, context: { objectWriteTraceId: [id] } }`; without trace ids one bad
 * input refuses the whole batch (400). The CRM specs give batch update and upsert inputs the same field, so the
 * simulator applies the same rule there.
 */
function traceIdOf(input: Record<string, unknown>): string | undefined {
  return typeof input.objectWriteTraceId === 'string' && input.objectWriteTraceId !== ''
    ? input.objectWriteTraceId
    : undefined;
}

function multiStatusOf(inputs: Array<Record<string, unknown>>): boolean {
  if (inputs.length === 0 || !inputs.every((i) => traceIdOf(i) !== undefined)) return false;
  const ids = inputs.map((i) => traceIdOf(i));
  if (new Set(ids).size !== ids.length) throw validation('objectWriteTraceId values must be unique within a batch');
  return true;
}

function inputError(err: HubSpotError, traceId: string): BatchError {
  return {
    status: 'error',
    category: err.category,
    message: err.message,
    context: { ...err.extra.context, objectWriteTraceId: [traceId] },
  };
}

/** Runs `check` per input; in multi-status mode a refusal becomes that input's error, otherwise it refuses all. */
function judge<T>(
  inputs: Array<Record<string, unknown>>,
  multiStatus: boolean,
  errors: BatchError[],
  check: (input: Record<string, unknown>, n: number) => T,
): Array<{ n: number; value: T }> {
  const accepted: Array<{ n: number; value: T }> = [];
  for (const [n, input] of inputs.entries()) {
    try {
      accepted.push({ n, value: check(input, n) });
    } catch (err) {
      if (!(err instanceof HubSpotError) || !multiStatus) throw err;
      errors.push(inputError(err, traceIdOf(input) as string));
    }
  }
  return accepted;
}

const withTrace = (rendered: Record<string, unknown>, input: Record<string, unknown>): Record<string, unknown> => {
  const traceId = traceIdOf(input);
  return traceId === undefined ? rendered : { ...rendered, objectWriteTraceId: traceId };
};

function batchReply(started: number, results: unknown[], errors: BatchError[], okStatus = 200) {
  const body: Record<string, unknown> = {
    status: 'COMPLETE',
    results,
    startedAt: iso(started),
    completedAt: iso(Date.now()),
  };
  if (errors.length > 0) {
    body.numErrors = errors.length;
    body.errors = errors;
  }
  return { status: errors.length > 0 ? 207 : okStatus, body };
}

function notFoundError(ts: TypeStore, ids: string[], verb: string): BatchError {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not ${verb} some ${ts.info.singular} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
  };
}

function rejectDuplicates(keys: string[]): void {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const k of keys) (seen.has(k) ? dupes : seen).add(k);
  if (dupes.size > 0)
    throw validation(`Duplicate IDs found in batch input: [${[...dupes].join(', ')}]. IDs must be unique`);
}

function idPropertyOf(ts: TypeStore, raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '' || raw === 'hs_object_id') return undefined;
  const name = String(raw);
  if (!ts.properties.get(name)?.hasUniqueValue)
    throw validation(`${name} is not a unique identifier property for ${ts.info.name}`);
  return name;
}

function read(ctx: Ctx) {
  const started = Date.now();
  const ts = typeStore(ctx);
  const body = asObject(ctx.json());
  const inputs = inputsOf(body, MAX_INPUTS);
  const idProperty = idPropertyOf(ts, body.idProperty);
  const archived = boolParam(ctx.query.get('archived'));
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : [];
  const propertiesWithHistory = Array.isArray(body.propertiesWithHistory) ? body.propertiesWithHistory.map(String) : [];
  const results: unknown[] = [];
  const missing: string[] = [];
  const seen = new Set<number>();
  for (const input of inputs) {
    const id = String(input.id ?? '');
    const rec = ts.resolve(id, idProperty);
    if (!rec || rec.archived !== archived) {
      missing.push(id);
      continue;
    }
    if (seen.has(rec.id)) continue;
    seen.add(rec.id);
    results.push(renderRecord(ctx.portal.store, rec, { properties, propertiesWithHistory }));
  }
  return batchReply(started, results, missing.length > 0 ? [notFoundError(ts, missing, 'get')] : []);
}

function create(ctx: Ctx) {
  const started = Date.now();
  const ts = typeStore(ctx);
  const inputs = inputsOf(asObject(ctx.json()), MAX_INPUTS);
  const multiStatus = multiStatusOf(inputs);
  const errors: BatchError[] = [];
  const emails = new Set<string>();
  const accepted = judge(inputs, multiStatus, errors, (input) => {
    const props = normaliseProperties(ts, input.properties);
    assertRequiredOnCreate(ts, props);
    ctx.portal.mutator.assertUnique(ts.type, props);
    const email = ts.type === 'contacts' ? props.email?.toLowerCase() : undefined;
    if (email) {
      if (emails.has(email)) throw new HubSpotError(409, 'CONFLICT', 'Duplicate email addresses found in batch input');
      emails.add(email);
    }
    return props;
  });
  const results = accepted.map(({ n, value }) =>
    withTrace(
      renderRecord(ctx.portal.store, ctx.portal.mutator.create(ts.type, value, ctx.sim.apiActor())),
      inputs[n] as Record<string, unknown>,
    ),
  );
  return batchReply(started, results, errors, 201);
}

function update(ctx: Ctx) {
  const started = Date.now();
  const ts = typeStore(ctx);
  const inputs = inputsOf(asObject(ctx.json()), MAX_INPUTS);
  rejectDuplicates(inputs.map((i) => String(i.id ?? '').toLowerCase()));
  const multiStatus = multiStatusOf(inputs);
  const errors: BatchError[] = [];
  const missing: string[] = [];
  const planned = judge(inputs, multiStatus, errors, (input) => {
    const id = String(input.id ?? '');
    const rec = ts.resolve(id, idPropertyOf(ts, input.idProperty));
    const props = normaliseProperties(ts, input.properties);
    if (rec && !rec.archived) ctx.portal.mutator.assertUnique(ts.type, props, rec.id);
    else missing.push(id);
    return rec && !rec.archived ? { rec, props } : undefined;
  });
  const results = planned.flatMap(({ n, value }) => {
    if (!value) return [];
    ctx.portal.mutator.update(value.rec, value.props, ctx.sim.apiActor());
    return [withTrace(renderRecord(ctx.portal.store, value.rec), inputs[n] as Record<string, unknown>)];
  });
  if (missing.length > 0) errors.push(notFoundError(ts, missing, 'update'));
  return batchReply(started, results, errors);
}

function upsert(ctx: Ctx) {
  const started = Date.now();
  const ts = typeStore(ctx);
  const portal = ctx.portal;
  if (portal.upsertLockPerSecond !== null) {
    portal.upsertTimes = portal.upsertTimes.filter((t) => t > started - 1000);
    if (portal.upsertTimes.length >= portal.upsertLockPerSecond) {
      throw new HubSpotError(
        423,
        'LOCKED',
        'The resource is locked by another request. Please retry in at least 2 seconds.',
      );
    }
    portal.upsertTimes.push(started);
  }
  const inputs = inputsOf(asObject(ctx.json()), MAX_INPUTS);
  const idProps = inputs.map((i) => idPropertyOf(ts, i.idProperty));
  rejectDuplicates(inputs.map((i, n) => `${idProps[n] ?? 'hs_object_id'}:${String(i.id ?? '').toLowerCase()}`));
  const byEmail = idProps.includes('email');
  const errors: BatchError[] = [];
  const planned: Array<{ rec?: SimRecord; props: Record<string, string>; input: Record<string, unknown> }> = [];
  for (const [n, input] of inputs.entries()) {
    const id = String(input.id ?? '');
    const idProperty = idProps[n];
    try {
      const props = normaliseProperties(ts, input.properties);
      const rec = ts.resolve(id, idProperty);
      if (rec && !rec.archived) {
        planned.push({ rec, props, input });
        continue;
      }
      if (!idProperty)
        throw new HubSpotError(404, 'OBJECT_NOT_FOUND', `No ${ts.info.singular} with id ${id} exists to update`);
      const created = { ...props, [idProperty]: id };
      assertRequiredOnCreate(ts, created);
      planned.push({ props: created, input });
    } catch (err) {
      if (!(err instanceof HubSpotError)) throw err;
      // HubSpot does not support partial upserts keyed by email: one bad input fails the whole batch.
      if (byEmail) throw err;
      const traceId = traceIdOf(input);
      errors.push({
        status: 'error',
        category: err.category,
        message: err.message,
        context: {
          ...err.extra.context,
          ids: [id],
          ...(traceId !== undefined ? { objectWriteTraceId: [traceId] } : {}),
        },
        ...(err.extra.errors ? { errors: err.extra.errors } : {}),
      });
    }
  }
  const results = planned.map(({ rec, props, input }) => {
    if (rec) {
      ctx.portal.mutator.update(rec, props, ctx.sim.apiActor());
      return { ...withTrace(renderRecord(ctx.portal.store, rec), input), new: false };
    }
    return {
      ...withTrace(
        renderRecord(ctx.portal.store, ctx.portal.mutator.create(ts.type, props, ctx.sim.apiActor())),
        input,
      ),
      new: true,
    };
  });
  return batchReply(started, results, errors);
}

function archive(ctx: Ctx) {
  const ts = typeStore(ctx);
  const inputs = inputsOf(asObject(ctx.json()), MAX_INPUTS);
  for (const input of inputs) {
    const rec = ts.resolve(String(input.id ?? ''));
    if (rec && !rec.archived) ctx.portal.mutator.archive(rec, ctx.sim.apiActor());
  }
  return { status: 204 };
}
