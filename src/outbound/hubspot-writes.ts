// The HubSpot side of one push batch: batch update for records HubSpot knows, batch upsert for new ones, and
// isolation of the inputs HubSpot refuses so that one bad value never holds back the rest of the batch.
import {
  HubSpotConflictError,
  HubSpotValidationError,
  type BatchInputError,
  type CrmObject,
  type HubSpotClient,
  type Properties,
} from '../hubspot';
import type { CrmObjectType } from '../sync/object-types';
import type { UpsertKey } from '../sync/push-plan';

export interface UpdateInput {
  localId: string;
  hubspotId: string;
  properties: Properties;
}

export interface UpsertInput {
  localId: string;
  key: UpsertKey;
  properties: Properties;
}

export interface WriteSuccess {
  localId: string;
  hubspotId: string;
  created: boolean;
  /** HubSpot's last-modified time after the write (epoch ms), when it said. */
  hubspotAt?: number;
}

export interface WriteRejection {
  localId: string;
  hubspotId?: string;
  operation: 'update' | 'upsert';
  category: string;
  message: string;
  property?: string;
}

export interface WriteOutcome {
  succeeded: WriteSuccess[];
  rejected: WriteRejection[];
  writeCalls: number;
  readCalls: number;
}

type Rejectable = HubSpotValidationError | HubSpotConflictError;

// A 400 or 409 for a whole batch is about its inputs (an invalid value, a duplicate unique value): the same
// call would fail again, but a smaller one without the culprit succeeds. Everything else goes to Temporal.
const isRejection = (err: unknown): err is Rejectable =>
  err instanceof HubSpotValidationError || err instanceof HubSpotConflictError;

function rejectionOf(err: Rejectable): { category: string; message: string; property?: string } {
  const property = err instanceof HubSpotValidationError ? err.fieldMessages.find((f) => f.field)?.field : undefined;
  return { category: err.category ?? err.name, message: err.message, ...(property ? { property } : {}) };
}

/**
 * Sends `inputs` in one call; when HubSpot refuses the whole batch, splits it and tries again until every refused
 * input stands alone. The first split separates the inputs that carry a property HubSpot named from those that
 * do not (usually one clean call, then a few for the suspects); otherwise halves. One bad input in 100 costs
 * about 2·log2(100) extra calls; a clean batch costs exactly one.
 */
async function isolating<I>(
  inputs: I[],
  propertiesOf: (input: I) => Properties,
  call: (part: I[]) => Promise<void>,
  reject: (input: I, err: Rejectable) => void,
  outcome: WriteOutcome,
): Promise<void> {
  if (inputs.length === 0) return;
  try {
    outcome.writeCalls += 1;
    await call(inputs);
  } catch (err) {
    if (!isRejection(err)) throw err;
    if (inputs.length === 1) {
      reject(inputs[0] as I, err);
      return;
    }
    const named = err instanceof HubSpotValidationError ? err.fields : [];
    const suspects = named.length > 0 ? inputs.filter((i) => named.some((f) => f in propertiesOf(i))) : [];
    const parts =
      suspects.length > 0 && suspects.length < inputs.length
        ? [inputs.filter((i) => !suspects.includes(i)), suspects]
        : [inputs.slice(0, Math.ceil(inputs.length / 2)), inputs.slice(Math.ceil(inputs.length / 2))];
    for (const part of parts) await isolating(part, propertiesOf, call, reject, outcome);
  }
}

const epochMs = (iso: string | undefined): number | undefined => {
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
};

function errorsByPosition<I>(
  part: readonly I[],
  errors: readonly BatchInputError[],
  idOf: (input: I) => string,
): Map<I, BatchInputError> {
  const out = new Map<I, BatchInputError>();
  for (const error of errors) {
    const byIndex = error.inputIndex === undefined ? undefined : part[error.inputIndex];
    const named = error.inputIds?.map((id) => id.toLowerCase()) ?? [];
    const matches =
      byIndex !== undefined ? [byIndex] : part.filter((input) => named.includes(idOf(input).toLowerCase()));
    for (const input of matches) out.set(input, error);
  }
  return out;
}

export async function writeUpdates(
  hubspot: HubSpotClient,
  type: CrmObjectType,
  inputs: UpdateInput[],
): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { succeeded: [], rejected: [], writeCalls: 0, readCalls: 0 };
  const call = async (part: UpdateInput[]): Promise<void> => {
    const result = await hubspot.batchUpdate(
      type,
      part.map((i) => ({ id: i.hubspotId, properties: i.properties })),
    );
    const failed = errorsByPosition(part, result.errors, (i) => i.hubspotId);
    const byId = new Map(result.results.map((r) => [r.id, r]));
    for (const input of part) {
      const error = failed.get(input);
      if (error) {
        outcome.rejected.push({
          localId: input.localId,
          hubspotId: input.hubspotId,
          operation: 'update',
          category: error.category,
          message: error.message,
          ...(error.property ? { property: error.property } : {}),
        });
      } else {
        const hubspotAt = epochMs(byId.get(input.hubspotId)?.updatedAt);
        outcome.succeeded.push({
          localId: input.localId,
          hubspotId: input.hubspotId,
          created: false,
          ...(hubspotAt === undefined ? {} : { hubspotAt }),
        });
      }
    }
  };
  const reject = (input: UpdateInput, err: Rejectable): void => {
    outcome.rejected.push({
      localId: input.localId,
      hubspotId: input.hubspotId,
      operation: 'update',
      ...rejectionOf(err),
    });
  };
  await isolating(inputs, (i) => i.properties, call, reject, outcome);
  return outcome;
}

/**
 * Upserts grouped by key property (HubSpot refuses partial upserts keyed by email, so each key gets its own call).
 * Results are matched back by the key's value; when HubSpot's answer leaves the key property out, one batch read
 * by that key fetches the ids.
 */
export async function writeUpserts(
  hubspot: HubSpotClient,
  type: CrmObjectType,
  inputs: UpsertInput[],
): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { succeeded: [], rejected: [], writeCalls: 0, readCalls: 0 };
  const byKeyProperty = new Map<string, UpsertInput[]>();
  for (const input of inputs)
    byKeyProperty.set(input.key.idProperty, [...(byKeyProperty.get(input.key.idProperty) ?? []), input]);

  for (const [idProperty, group] of byKeyProperty) {
    const call = async (part: UpsertInput[]): Promise<void> => {
      const result = await hubspot.batchUpsert(
        type,
        part.map((i) => ({ id: i.key.id, idProperty, properties: { ...i.properties, [idProperty]: i.key.id } })),
      );
      const failed = errorsByPosition(part, result.errors, (i) => i.key.id);
      const found = indexByKey(result.results, idProperty);
      const missing = part.filter((i) => !failed.has(i) && !found.has(i.key.id.toLowerCase()));
      if (missing.length > 0) {
        outcome.readCalls += 1;
        const read = await hubspot.batchRead(
          type,
          missing.map((i) => i.key.id),
          { idProperty, properties: [idProperty] },
        );
        for (const [key, record] of indexByKey(read.results, idProperty)) found.set(key, record);
      }
      for (const input of part) {
        const error = failed.get(input);
        const record = found.get(input.key.id.toLowerCase());
        if (error) {
          outcome.rejected.push({
            localId: input.localId,
            operation: 'upsert',
            category: error.category,
            message: error.message,
            ...(error.property ? { property: error.property } : {}),
          });
        } else if (record) {
          const hubspotAt = epochMs(record.updatedAt);
          outcome.succeeded.push({
            localId: input.localId,
            hubspotId: record.id,
            created: record.new === true,
            ...(hubspotAt === undefined ? {} : { hubspotAt }),
          });
        } else {
          // Written, but HubSpot did not say under which id: retrying (an idempotent upsert) will find out.
          throw new Error(`HubSpot upsert returned no id for ${idProperty} of local record ${input.localId}`);
        }
      }
    };
    const reject = (input: UpsertInput, err: Rejectable): void => {
      outcome.rejected.push({ localId: input.localId, operation: 'upsert', ...rejectionOf(err) });
    };
    await isolating(group, (i) => i.properties, call, reject, outcome);
  }
  return outcome;
}

function indexByKey(
  records: ReadonlyArray<CrmObject & { new?: boolean }>,
  idProperty: string,
): Map<string, CrmObject & { new?: boolean }> {
  const out = new Map<string, CrmObject & { new?: boolean }>();
  for (const record of records) {
    const key = record.properties[idProperty];
    if (key) out.set(key.toLowerCase(), record);
  }
  return out;
}
