import { MERGED_IDS_PROPERTY, mergeTakeover, mergedObjectIds } from '../../src/sync/merges';

describe('mergedObjectIds', () => {
  it("lists the ids a survivor absorbed, once each, never the survivor's own", () => {
    expect(mergedObjectIds('9', { [MERGED_IDS_PROPERTY]: '1; 2;;1;9' })).toEqual(['1', '2']);
    expect(mergedObjectIds('9', {})).toEqual([]);
  });
});

describe('mergeTakeover', () => {
  // HubSpot's current contact merge: primary 1 and merged 2 both become the new record 3.
  const merge = { primaryObjectId: '1', mergedObjectIds: ['2'], newObjectId: '3' };

  it('nothing to take over without a pending merge, unless HubSpot reads the record as another', () => {
    expect(mergeTakeover('1', undefined)).toBeUndefined();
    expect(mergeTakeover('1', undefined, { mergedInto: '7' })).toBeUndefined();
  });

  it('the new record of a merge takes over the former primary and the merged ids', () => {
    expect(mergeTakeover('1', merge)).toEqual({ survivorId: '3', primaryId: '1', mergedIds: ['1', '2'] });
  });

  it('a merge without a new record keeps the primary as survivor, absorbing the others', () => {
    const inPlace = { primaryObjectId: '1', mergedObjectIds: ['2', '4'], newObjectId: '' };
    expect(mergeTakeover('1', inPlace)).toEqual({ survivorId: '1', primaryId: '1', mergedIds: ['2', '4'] });
  });

  it('a record merged away since hands its late merge to its local survivor', () => {
    expect(mergeTakeover('3', merge, { mergedInto: '8' })).toEqual({
      survivorId: '8',
      primaryId: '1',
      mergedIds: ['1', '2'],
    });
  });

  it('a record read as another survivor: that survivor takes over the record and all it lists', () => {
    const readAs = { id: '8', properties: { [MERGED_IDS_PROPERTY]: '5;6;8' } };
    expect(mergeTakeover('3', merge, { readAs })).toEqual({
      survivorId: '8',
      primaryId: '1',
      mergedIds: ['1', '3', '2', '5', '6'],
    });
  });

  it('the merge webhook lost: the survivor takes over the record and what it lists, the primary unknown', () => {
    const readAs = { id: '8', properties: { [MERGED_IDS_PROPERTY]: '3;5' } };
    expect(mergeTakeover('3', undefined, { readAs })).toEqual({
      survivorId: '8',
      primaryId: null,
      mergedIds: ['3', '5'],
    });
  });
});
