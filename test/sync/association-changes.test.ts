import { associationChangeKey, hubspotWins, resolveAssociationType } from '../../src/sync/association-changes';

const labels = [
  { fromType: 'companies', toType: 'contacts', typeId: 280, category: 'HUBSPOT_DEFINED', label: null },
  { fromType: 'companies', toType: 'contacts', typeId: 2, category: 'HUBSPOT_DEFINED', label: 'Primary' },
  { fromType: 'companies', toType: 'contacts', typeId: 1000, category: 'USER_DEFINED', label: 'Decision maker' },
];
const change = {
  fromType: 'contacts',
  fromId: 'a',
  toType: 'companies',
  toId: 'b',
  label: null,
  remove: false,
  reportedAt: 1_000,
} as const;

describe('association changes', () => {
  it('resolves a label named from either end to the stored direction', () => {
    expect(resolveAssociationType(labels, { ...change, label: 'Decision maker' })).toEqual({
      fromType: 'companies',
      toType: 'contacts',
      swapped: true,
      typeId: 1000,
      category: 'USER_DEFINED',
      label: 'Decision maker',
    });
    expect(resolveAssociationType(labels, { ...change, label: null })).toMatchObject({ typeId: 280 });
  });

  it('names the problem of an unknown label, of a pair without labels yet and of an unassociated pair', () => {
    expect(resolveAssociationType(labels, { ...change, label: 'Nemesis' })).toEqual({
      problem: expect.stringContaining(
        'unknown association label "Nemesis" for companies→contacts (known: "Primary", "Decision maker"',
      ),
    });
    expect(resolveAssociationType([], change)).toEqual({
      problem: expect.stringContaining('no association labels known yet'),
    });
    expect(resolveAssociationType(labels, { ...change, toType: 'owners' as never })).toEqual({
      problem: 'contacts and owners are not associated by hubsync',
    });
  });

  it('lets HubSpot win only a newer change to the other state', () => {
    expect(hubspotWins(change, { archived: true, lastEventAt: 2_000 })).toBe(true);
    expect(hubspotWins(change, { archived: false, lastEventAt: 2_000 })).toBe(false);
    expect(hubspotWins(change, { archived: true, lastEventAt: 500 })).toBe(false);
    expect(hubspotWins({ ...change, remove: true }, { archived: false, lastEventAt: 2_000 })).toBe(true);
    expect(hubspotWins(change, undefined)).toBe(false);
  });

  it('keys one association of one label the same from either end', () => {
    expect(associationChangeKey(change)).toBe(
      associationChangeKey({ fromType: 'companies', fromId: 'b', toType: 'contacts', toId: 'a', label: null }),
    );
  });
});
