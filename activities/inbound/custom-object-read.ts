import { archiveCustomRecords, readCustomTypes, upsertCustomRecords } from '../../src/store/custom-objects';
import type { CustomObjectTypeId } from '../../src/sync/custom-objects';
import { accountForRead, UnaccountedRecordsError } from '../../src/sync/read-accounting';
import type { RecordSyncDeps } from '../deps';
import { fromCrmObject, refreshCustomTypes } from '../scheduled/custom-object-pages';

// The webhook path of a custom object's record: whatever the events said (created, changed, deleted, restored),
// the record is read from HubSpot (one batch read, every readable property of its type) and stored as it is
// now; a record HubSpot names as not found is archived. HubSpot's current state decides, so events need no
// ordering. A type not yet discovered (created since the last sync run) is discovered first.

export function createCustomObjectReadActivities(
  deps: Pick<RecordSyncDeps, 'prisma' | 'hubspotFor' | 'logger' | 'metrics'>,
) {
  const propertiesOf = async (portalId: string, objectTypeId: CustomObjectTypeId): Promise<string[]> => {
    const [known] = await readCustomTypes(deps.prisma, portalId, [objectTypeId]);
    if (known) return known.properties;
    await refreshCustomTypes(deps, portalId);
    const [found] = await readCustomTypes(deps.prisma, portalId, [objectTypeId]);
    if (!found) throw new Error(`HubSpot's schemas do not list custom object type ${objectTypeId}`);
    return found.properties;
  };

  return {
    async readCustomObjectRecord(input: {
      portalId: string;
      objectTypeId: CustomObjectTypeId;
      objectId: string;
    }): Promise<{ summary: string }> {
      const { portalId, objectTypeId, objectId } = input;
      const properties = await propertiesOf(portalId, objectTypeId);
      const { results, errors } = await deps.hubspotFor(portalId).batchRead(objectTypeId, [objectId], { properties });
      const read = accountForRead([objectId], results, errors);
      // Silence about the id, or another refusal, is no answer: retried, never taken for a deletion.
      if (read.unaccounted.length > 0 || read.failed.size > 0)
        throw new UnaccountedRecordsError(objectTypeId, [objectId]);
      const scope = { portalId, objectTypeId };
      const record = read.found.get(objectId);
      if (!record) {
        const archived = await archiveCustomRecords(deps.prisma, scope, [objectId], new Date());
        if (archived > 0)
          deps.metrics.eventsApplied.inc({ object_type: 'custom', source: 'webhook', result: 'archived' });
        return { summary: `${objectTypeId} ${objectId}: gone in HubSpot${archived > 0 ? ', archived' : ''}` };
      }
      const applied = await upsertCustomRecords(deps.prisma, scope, [fromCrmObject(record)]);
      for (const result of ['inserted', 'updated', 'unchanged'] as const)
        if (applied[result] > 0) deps.metrics.eventsApplied.inc({ object_type: 'custom', source: 'webhook', result });
      return {
        summary: `${objectTypeId} ${objectId}: ${applied.inserted ? 'inserted' : applied.updated ? 'updated' : 'unchanged'}`,
      };
    },
  };
}

export type CustomObjectReadActivities = ReturnType<typeof createCustomObjectReadActivities>;
