import { associationHoldings } from '../../src/store/association-holdings';
import type { PairHoldings } from '../../src/sync/association-read';
import type { CrmObjectType } from '../../src/sync/object-types';
import type { PrismaClient } from '../../src/store/prisma';

// Store-side bookkeeping of the association read (main task queue: no HubSpot call).

export function createAssociationStoreActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    /** Per pair, whether hubsync holds linked rows at each end and stored associations of it. */
    async associationHoldings(input: {
      portalId: string;
      pairs: Array<[CrmObjectType, CrmObjectType]>;
    }): Promise<PairHoldings[]> {
      return associationHoldings(prisma, input.portalId, input.pairs);
    },
  };
}

export type AssociationStoreActivities = ReturnType<typeof createAssociationStoreActivities>;
