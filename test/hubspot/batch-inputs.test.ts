import { chunk, dedupeInputs, toInputErrors } from '../../src/hubspot/objects';

describe('batch input preparation', () => {
  it('chunks at the batch limit', () => {
    expect(
      chunk(
        Array.from({ length: 250 }, (_, i) => i),
        100,
      ).map((c) => c.length),
    ).toEqual([100, 100, 50]);
  });

  it('folds repeated ids into their first occurrence, later properties winning', () => {
    const out = dedupeInputs([
      { id: 'a@x.io', idProperty: 'email', properties: { firstname: 'A', lastname: 'One' } },
      { id: '7', properties: { firstname: 'Seven' } },
      { id: 'a@x.io', idProperty: 'email', properties: { firstname: 'Ann' } },
      { id: 'a@x.io', properties: { firstname: 'not the same key' } },
    ]);
    expect(out).toEqual([
      { id: 'a@x.io', idProperty: 'email', properties: { firstname: 'Ann', lastname: 'One' }, index: 0 },
      { id: '7', properties: { firstname: 'Seven' }, index: 1 },
      { id: 'a@x.io', properties: { firstname: 'not the same key' }, index: 3 },
    ]);
  });

  it('points every per-input error at the caller’s input', () => {
    const errors = toInputErrors(
      [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: 'Could not get some CONTACT objects',
          context: { ids: ['11', '13'] },
        },
        {
          status: 'error',
          category: 'VALIDATION_ERROR',
          message: 'Property values were not valid',
          context: { objectWriteTraceId: ['4'] },
          errors: [{ message: 'bad email', in: 'email' }],
        },
      ],
      (id) => ({ '11': 0, '13': 2 })[id],
    );
    expect(errors).toEqual([
      {
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some CONTACT objects',
        inputIds: ['11'],
        inputIndex: 0,
        context: { ids: ['11', '13'] },
      },
      {
        category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some CONTACT objects',
        inputIds: ['13'],
        inputIndex: 2,
        context: { ids: ['11', '13'] },
      },
      {
        category: 'VALIDATION_ERROR',
        message: 'Property values were not valid',
        inputIndex: 4,
        property: 'email',
        context: { objectWriteTraceId: ['4'] },
      },
    ]);
  });
});
