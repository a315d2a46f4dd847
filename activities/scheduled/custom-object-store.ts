import { advanceCustomWatermark } from '../../src/store/custom-objects';
import type { ActivityDeps } from '../deps';

// The custom-object sync's bookkeeping: store only, on the main task queue.
export function createCustomObjectStoreActivities(deps: Pick<ActivityDeps, 'prisma'>) {
  return {
    /** A type whose run completed is next read from `to` on (less the overlap). */
    async advanceCustomWatermark(input: { portalId: string; objectTypeId: string; to: number }): Promise<void> {
      await advanceCustomWatermark(deps.prisma, input.portalId, input.objectTypeId, new Date(input.to));
    },
  };
}

export type CustomObjectStoreActivities = ReturnType<typeof createCustomObjectStoreActivities>;
