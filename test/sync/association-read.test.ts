import { accountForAssociationRead, pairNeedsRead } from '../../src/sync/association-read';

const types = (...ids: number[]) => ids.map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId, label: null }));

describe('accountForAssociationRead', () => {
  it('answers a record listed or named not found, and leaves one the answer is silent about unanswered', () => {
    const read = accountForAssociationRead(
      ['1', '2', '3', '1'],
      [{ fromId: '1', to: [{ toObjectId: '10', associationTypes: types(280, 2) }] }],
      [
        {
          category: 'OBJECT_NOT_FOUND',
          message: 'No contact is associated with company 2.',
          context: { fromObjectId: ['2'] },
        },
      ],
    );
    expect(read.answered).toEqual(['1', '2']);
    expect(read.unanswered).toEqual(['3']);
    expect(read.found.map((f) => `${f.fromId}>${f.toId}:${f.typeId}`)).toEqual(['1>10:280', '1>10:2']);
  });

  it('does not take another error for an answer', () => {
    const read = accountForAssociationRead(
      ['1'],
      [],
      [{ category: 'RATE_LIMITS', message: 'slow down', inputIds: ['1'] }],
    );
    expect(read).toEqual({ found: [], answered: [], unanswered: ['1'] });
  });

  it('keeps a label and one fact per type even when HubSpot repeats a type', () => {
    const read = accountForAssociationRead(
      ['1'],
      [
        {
          fromId: '1',
          to: [
            {
              toObjectId: '10',
              associationTypes: [
                { category: 'USER_DEFINED', typeId: 1000, label: 'Manager' },
                { category: 'USER_DEFINED', typeId: 1000, label: 'Manager' },
              ],
            },
          ],
        },
      ],
      [],
    );
    expect(read.found).toEqual([{ fromId: '1', toId: '10', typeId: 1000, category: 'USER_DEFINED', label: 'Manager' }]);
  });
});

describe('pairNeedsRead', () => {
  it('reads a pair only when both ends hold linked rows or associations of it are stored', () => {
    expect(pairNeedsRead({ fromHeld: true, toHeld: true, stored: false })).toBe(true);
    // An empty end: HubSpot can list no association hubsync could store.
    expect(pairNeedsRead({ fromHeld: true, toHeld: false, stored: false })).toBe(false);
    expect(pairNeedsRead({ fromHeld: false, toHeld: true, stored: false })).toBe(false);
    expect(pairNeedsRead({ fromHeld: false, toHeld: false, stored: false })).toBe(false);
    // Stored associations whose records are gone: the read is what archives them.
    expect(pairNeedsRead({ fromHeld: true, toHeld: false, stored: true })).toBe(true);
    expect(pairNeedsRead({ fromHeld: false, toHeld: false, stored: true })).toBe(true);
  });
});
