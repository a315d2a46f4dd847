import type { Metrics } from '../../src/metrics';
import type { PrismaClient } from '../../src/store/prisma';
import {
  advanceWatermark,
  beginBackfill,
  markLinksChecked,
  readCursors,
  type CursorState,
} from '../../src/store/sync-cursors';
import type { ObjectType } from '../../src/sync/object-types';

// Store-side bookkeeping of the hourly sync and the backfill (main task queue: no HubSpot call).

export interface SyncCursorDeps {
  prisma: PrismaClient;
  metrics: Metrics;
}

export function createSyncCursorActivities({ prisma, metrics }: SyncCursorDeps) {
  return {
    async loadSyncCursors(input: { portalId: string; objectTypes: ObjectType[] }): Promise<CursorState[]> {
      return readCursors(prisma, input.portalId, input.objectTypes);
    },

    async beginBackfill(input: {
      portalId: string;
      objectTypes: ObjectType[];
      restart: boolean;
    }): Promise<CursorState[]> {
      return beginBackfill(prisma, input);
    },

    /** Called once a window is completely applied; never moves the watermark backwards. */
    async advanceWatermark(input: {
      portalId: string;
      objectType: ObjectType;
      to: number;
      linksChecked?: boolean;
    }): Promise<void> {
      await advanceWatermark(prisma, input);
      metrics.syncLagSeconds.set(
        { portal_id: input.portalId, object_type: input.objectType },
        Math.max(0, (Date.now() - input.to) / 1000),
      );
    },

    async markLinksChecked(input: { portalId: string; objectType: ObjectType; at: number }): Promise<void> {
      await markLinksChecked(prisma, input);
    },
  };
}

export type SyncCursorActivities = ReturnType<typeof createSyncCursorActivities>;
