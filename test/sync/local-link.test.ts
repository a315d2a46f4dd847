// Which inbound changes wait for the record's full read: API writes (a push's own among them) to a record
// with no local row, whose full record may name the row it was pushed from.
import { localLinkClaims, mustReadRecordFirst } from '../../src/sync/local-link';
import type { DrainPlan } from '../../src/sync/pending-changes';

const change = (changeSource?: string) => ({
  value: 'Kate',
  occurredAt: 1_000,
  ...(changeSource === undefined ? {} : { changeSource, sourceId: '424242' }),
});
const plan = (
  properties: DrainPlan['properties'],
  lifecycle?: DrainPlan['lifecycle'],
): Pick<DrainPlan, 'properties' | 'lifecycle'> => ({ properties, lifecycle });
const unknown = { rowExists: false, recordRead: false };

describe('mustReadRecordFirst', () => {
  it('asks for the full record before API changes create a row', () => {
    expect(mustReadRecordFirst(plan({ firstname: change('INTEGRATION') }), unknown)).toBe(true);
    expect(mustReadRecordFirst(plan({ firstname: change('CRM_UI'), email: change('API') }), unknown)).toBe(true);
  });

  it('applies changes of HubSpot users, and anything to a known row or with the record read, as they are', () => {
    expect(mustReadRecordFirst(plan({ firstname: change('CRM_UI') }), unknown)).toBe(false);
    expect(mustReadRecordFirst(plan({ firstname: change() }), unknown)).toBe(false);
    expect(mustReadRecordFirst(plan({ firstname: change('INTEGRATION') }), { ...unknown, rowExists: true })).toBe(
      false,
    );
    expect(mustReadRecordFirst(plan({ firstname: change('INTEGRATION') }), { ...unknown, recordRead: true })).toBe(
      false,
    );
  });

  it('reads nothing for a record that is being deleted or erased', () => {
    expect(mustReadRecordFirst(plan({ firstname: change('INTEGRATION') }, 'archived'), unknown)).toBe(false);
    expect(mustReadRecordFirst(plan({}, 'privacyDeleted'), unknown)).toBe(false);
    expect(mustReadRecordFirst(plan({}), unknown)).toBe(false);
  });
});

describe('localLinkClaims', () => {
  it('claims only local ids that are uuids', () => {
    const id = '6F9619FF-8B86-4D11-B42D-00C04FC964FF';
    expect(
      localLinkClaims([
        { hubspotId: '1', properties: { hubsync_local_id: id } },
        { hubspotId: '2', properties: { hubsync_local_id: 'not-a-uuid' } },
        { hubspotId: '3', properties: {} },
      ]),
    ).toEqual([{ hubspotId: '1', localId: id.toLowerCase() }]);
  });
});
