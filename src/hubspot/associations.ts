import {
  type BatchInputError,
  type BatchOutcome,
  type CrmObjectType,
  type CrmTypeRef,
  BATCH_LIMIT,
  chunk,
  toInputErrors,
} from './objects';
import { associationLabelsSchema, associationReadSchema, associationWriteSchema } from './schemas';
import type { Transport } from './transport';

// Associations v4: read in batches of up to 1,000 ids (following each id's own paging), create with explicit
// types or the default type, archive.

export const ASSOCIATION_READ_LIMIT = 1000;

export interface AssociationSpec {
  associationCategory: 'HUBSPOT_DEFINED' | 'USER_DEFINED' | 'INTEGRATOR_DEFINED';
  associationTypeId: number;
}

export interface AssociatedRecord {
  toObjectId: string;
  associationTypes: Array<{ category: string; typeId: number; label?: string | null }>;
}

export interface AssociationsOf {
  fromId: string;
  to: AssociatedRecord[];
}

export interface AssociationLabelDefinition {
  category: AssociationSpec['associationCategory'] | string;
  typeId: number;
  /** null for the unlabelled (default) type. */
  label: string | null;
}

export class AssociationsApi {
  constructor(private readonly transport: Transport) {}

  /** The association types HubSpot defines from one type to another, labelled or not (one direction). */
  async labels(from: CrmTypeRef, to: CrmTypeRef): Promise<AssociationLabelDefinition[]> {
    const { data } = await this.transport.request({
      method: 'GET',
      endpoint: '/crm/v4/associations/{from}/{to}/labels',
      path: `/crm/v4/associations/${from}/${to}/labels`,
      schema: associationLabelsSchema,
    });
    return data.results.map((r) => ({ category: r.category, typeId: r.typeId, label: r.label ?? null }));
  }

  async read(from: CrmTypeRef, to: CrmTypeRef, ids: string[]): Promise<BatchOutcome<AssociationsOf>> {
    const byId = new Map<string, AssociatedRecord[]>();
    const errors: BatchInputError[] = [];
    const indexOf = new Map<string, number>();
    ids.forEach((id, i) => indexOf.has(id) || indexOf.set(id, i));
    let pending: Array<{ id: string; after?: string }> = [...indexOf.keys()].map((id) => ({ id }));
    // An id with many associations pages on its own; its next page is asked for alongside other ids.
    while (pending.length > 0) {
      const more: Array<{ id: string; after: string }> = [];
      for (const part of chunk(pending, ASSOCIATION_READ_LIMIT)) {
        const { data } = await this.transport.request({
          method: 'POST',
          endpoint: '/crm/v4/associations/{from}/{to}/batch/read',
          path: `/crm/v4/associations/${from}/${to}/batch/read`,
          body: { inputs: part },
          schema: associationReadSchema,
        });
        for (const result of data.results) {
          byId.set(result.from.id, [...(byId.get(result.from.id) ?? []), ...result.to]);
          if (result.paging?.next) more.push({ id: result.from.id, after: result.paging.next.after });
        }
        errors.push(...toInputErrors(data.errors ?? [], (id) => indexOf.get(id)));
      }
      pending = more;
    }
    return { results: [...byId].map(([fromId, records]) => ({ fromId, to: records })), errors };
  }

  /** Inputs without `types` get HubSpot's default (unlabelled) association between the two types. */
  async create(
    from: CrmObjectType,
    to: CrmObjectType,
    inputs: Array<{ fromId: string; toId: string; types?: AssociationSpec[] }>,
  ): Promise<{ errors: BatchInputError[] }> {
    const typed = inputs.filter((i) => i.types && i.types.length > 0);
    const untyped = inputs.filter((i) => !i.types || i.types.length === 0);
    const errors: BatchInputError[] = [];
    const indexOf = (id: string): number | undefined => {
      const i = inputs.findIndex((input) => input.fromId === id);
      return i < 0 ? undefined : i;
    };
    for (const part of chunk(typed, BATCH_LIMIT)) {
      const { data } = await this.transport.request({
        method: 'POST',
        endpoint: '/crm/v4/associations/{from}/{to}/batch/create',
        path: `/crm/v4/associations/${from}/${to}/batch/create`,
        body: { inputs: part.map((i) => ({ from: { id: i.fromId }, to: { id: i.toId }, types: i.types })) },
        schema: associationWriteSchema,
      });
      errors.push(...toInputErrors(data.errors ?? [], indexOf));
    }
    for (const part of chunk(untyped, BATCH_LIMIT)) {
      const { data } = await this.transport.request({
        method: 'POST',
        endpoint: '/crm/v4/associations/{from}/{to}/batch/associate/default',
        path: `/crm/v4/associations/${from}/${to}/batch/associate/default`,
        body: { inputs: part.map((i) => ({ from: { id: i.fromId }, to: { id: i.toId } })) },
        schema: associationWriteSchema,
      });
      errors.push(...toInputErrors(data.errors ?? [], indexOf));
    }
    return { errors };
  }

  async archive(
    from: CrmObjectType,
    to: CrmObjectType,
    inputs: Array<{ fromId: string; toIds: string[] }>,
  ): Promise<void> {
    for (const part of chunk(inputs, BATCH_LIMIT)) {
      await this.transport.request({
        method: 'POST',
        endpoint: '/crm/v4/associations/{from}/{to}/batch/archive',
        path: `/crm/v4/associations/${from}/${to}/batch/archive`,
        body: { inputs: part.map((i) => ({ from: { id: i.fromId }, to: i.toIds.map((id) => ({ id })) })) },
      });
    }
  }

  /** Removes only the given types (labels) of each association; the association itself stays. */
  async archiveLabels(
    from: CrmObjectType,
    to: CrmObjectType,
    inputs: Array<{ fromId: string; toId: string; types: AssociationSpec[] }>,
  ): Promise<void> {
    for (const part of chunk(inputs, BATCH_LIMIT)) {
      await this.transport.request({
        method: 'POST',
        endpoint: '/crm/v4/associations/{from}/{to}/batch/labels/archive',
        path: `/crm/v4/associations/${from}/${to}/batch/labels/archive`,
        body: { inputs: part.map((i) => ({ from: { id: i.fromId }, to: { id: i.toId }, types: i.types })) },
      });
    }
  }
}
