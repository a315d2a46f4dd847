// Record and association reports name their portal the same way: none where there is no default one, or one
// not served, is refused before anything is signalled, naming the report.
import type { Client } from '@temporalio/client';
import { notifyLocalChanges, PortalRequiredError, UnknownPortalError } from '../../src/outbound/notify';
import { notifyAssociationChanges } from '../../src/outbound/notify-associations';
import type { PushStartOptions } from '../../src/workflow-safe/push-options';

// Any use of the client fails the test: the checks run before the first signal.
const client = new Proxy({} as Client, {
  get: (_t, key) => {
    throw new Error(`client.${String(key)} used`);
  },
});
const options = (defaultPortalId: string): PushStartOptions => ({
  defaultPortalId,
  taskQueue: 'q',
  hubspotTaskQueue: 'h',
  batchWindowMs: 1,
  idleTimeoutMs: 1,
});
const id = '00000000-0000-4000-8000-000000000001';
const association = (portalId?: string) => ({
  fromType: 'contacts' as const,
  fromId: id,
  toType: 'companies' as const,
  toId: id,
  label: null,
  remove: false,
  reportedAt: 0,
  ...(portalId ? { portalId } : {}),
});

describe('the portal of a push report', () => {
  it('is required for an association where there is no default portal (public-app mode)', async () => {
    const call = notifyAssociationChanges(client, [association('11'), association()], options(''));
    await expect(call).rejects.toThrow(PortalRequiredError);
    await expect(call).rejects.toThrow(/^associations\[1\]\.portalId: required/);
  });

  it('must be served, for associations and records alike, and the error names it', async () => {
    const served = { servedPortals: new Set(['11', '12']) };
    const call = notifyAssociationChanges(client, [association('11'), association('99')], options(''), served);
    await expect(call).rejects.toThrow(UnknownPortalError);
    await expect(call).rejects.toThrow('associations[1].portalId: portal 99 is not installed here (or not active)');
    await expect(
      notifyLocalChanges(client, [{ objectType: 'contacts', localId: id }], options('98'), served),
    ).rejects.toThrow('changes[0].portalId: portal 98 is not installed here (or not active)');
  });
});
