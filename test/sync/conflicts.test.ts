import { resolveFieldConflict, type ConflictInput } from '../../src/sync/conflicts';
import { fieldFingerprint } from '../../src/sync/field-state';

const fp = (value: string | null): string => fieldFingerprint('string', value);
// Last sync: hubsync pushed 'P' and pulled 'Q' (order unknown unless a row sets times).
const base = { pushed: fp('P'), pulled: fp('Q') };

type Row = [
  description: string,
  input: Partial<ConflictInput> & Pick<ConflictInput, 'local' | 'hubspot'>,
  expected: { conflict: boolean; winner: string; value: string | null },
];

const table: Row[] = [
  [
    'only the platform changed',
    { local: { value: 'L' }, hubspot: { value: 'Q' } },
    { conflict: false, winner: 'platform', value: 'L' },
  ],
  [
    'only HubSpot changed',
    { local: { value: 'Q' }, hubspot: { value: 'H' } },
    { conflict: false, winner: 'hubspot', value: 'H' },
  ],
  [
    'HubSpot shows our own push (echo), platform changed',
    { local: { value: 'L' }, hubspot: { value: 'P' } },
    { conflict: false, winner: 'platform', value: 'L' },
  ],
  [
    'both changed to the same value',
    { local: { value: 'X' }, hubspot: { value: 'X' } },
    { conflict: false, winner: 'hubspot', value: 'X' },
  ],
  [
    'both changed, platform newer',
    { local: { value: 'L', changedAt: 200 }, hubspot: { value: 'H', changedAt: 100 } },
    { conflict: true, winner: 'platform', value: 'L' },
  ],
  [
    'both changed, HubSpot newer',
    { local: { value: 'L', changedAt: 100 }, hubspot: { value: 'H', changedAt: 200 } },
    { conflict: true, winner: 'hubspot', value: 'H' },
  ],
  [
    'both changed, same instant → HubSpot',
    { local: { value: 'L', changedAt: new Date(150) }, hubspot: { value: 'H', changedAt: 150 } },
    { conflict: true, winner: 'hubspot', value: 'H' },
  ],
  [
    'both changed, platform time unknown → HubSpot',
    { local: { value: 'L' }, hubspot: { value: 'H', changedAt: 1 } },
    { conflict: true, winner: 'hubspot', value: 'H' },
  ],
  [
    'policy platform beats a newer HubSpot change',
    { policy: 'platform', local: { value: 'L', changedAt: 1 }, hubspot: { value: 'H', changedAt: 2 } },
    { conflict: true, winner: 'platform', value: 'L' },
  ],
  [
    'policy hubspot beats a newer platform change',
    { policy: 'hubspot', local: { value: 'L', changedAt: 2 }, hubspot: { value: 'H', changedAt: 1 } },
    { conflict: true, winner: 'hubspot', value: 'H' },
  ],
  [
    'platform cleared, HubSpot changed',
    { local: { value: null, changedAt: 2 }, hubspot: { value: 'H', changedAt: 1 } },
    { conflict: true, winner: 'platform', value: null },
  ],
  // Found by the chaos run (seed 1): a platform edit not yet pushed met a HubSpot read where the field was never set.
  [
    'never synced, HubSpot never set the field: the platform value stands',
    { base: {}, local: { value: 'L', changedAt: 1 }, hubspot: { value: null, changedAt: 2 } },
    { conflict: false, winner: 'platform', value: 'L' },
  ],
  [
    'never synced, HubSpot empty string, policy hubspot: still no conflict',
    { policy: 'hubspot', base: {}, local: { value: 'L', changedAt: 1 }, hubspot: { value: '', changedAt: 2 } },
    { conflict: false, winner: 'platform', value: 'L' },
  ],
  [
    'never synced, values differ (first link by email)',
    { base: {}, local: { value: 'L', changedAt: 1 }, hubspot: { value: 'H', changedAt: 2 } },
    { conflict: true, winner: 'hubspot', value: 'H' },
  ],
  [
    'neither changed, HubSpot read is stale (we pushed P after pulling Q)',
    { base: { ...base, pulledAt: 1, pushedAt: 2 }, local: { value: 'P' }, hubspot: { value: 'Q' } },
    { conflict: false, winner: 'platform', value: 'P' },
  ],
  [
    'HubSpot reverts to our older pushed value after a later pull: a real HubSpot change',
    {
      base: { ...base, pushedAt: 1, pulledAt: 2 },
      local: { value: 'Q' },
      hubspot: { value: 'P', changedAt: 3 },
    },
    { conflict: false, winner: 'hubspot', value: 'P' },
  ],
];

describe('resolveFieldConflict', () => {
  it.each(table)('%s', (_description, input, expected) => {
    const result = resolveFieldConflict({ policy: 'newest', base, ...input });
    expect({ conflict: result.conflict, winner: result.winner, value: result.value }).toEqual(expected);
  });

  it('does not see a conflict between two spellings of one decimal', () => {
    const result = resolveFieldConflict({
      policy: 'newest',
      transform: 'decimal',
      base: {
        pushed: fieldFingerprint('decimal', '5'),
        pulled: fieldFingerprint('decimal', '5'),
      },
      local: { value: '1000', changedAt: 2 },
      hubspot: { value: '1000.00', changedAt: 1 },
    });
    expect(result).toMatchObject({ conflict: false, localChanged: true, hubspotChanged: true });
  });

  it('reports which sides changed', () => {
    expect(
      resolveFieldConflict({ policy: 'newest', base, local: { value: 'L' }, hubspot: { value: 'Q' } }),
    ).toMatchObject({ localChanged: true, hubspotChanged: false });
  });
});
