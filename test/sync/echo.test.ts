import { isEcho, shouldPushField } from '../../src/sync/echo';
import { fieldFingerprint } from '../../src/sync/field-state';

const fp = (value: unknown, transform: Parameters<typeof fieldFingerprint>[0] = 'string'): string =>
  fieldFingerprint(transform, value);

describe('isEcho', () => {
  const pushed = fp('Ada');
  const base = { incomingValue: 'Ada', state: { pushed }, ourAppId: '4711' };

  it('recognises our app writing back the value we pushed', () => {
    expect(isEcho({ ...base, changeSource: 'INTEGRATION', sourceId: '4711' })).toBe(true);
    expect(isEcho({ ...base, changeSource: 'API', sourceId: 'appId:4711' })).toBe(true);
  });

  it('decides on the value alone when the change carries no source (search, full fetch)', () => {
    expect(isEcho(base)).toBe(true);
    expect(isEcho({ ...base, incomingValue: 'Bea' })).toBe(false);
  });

  it('is not an echo when someone else set it, even to the same value', () => {
    expect(isEcho({ ...base, changeSource: 'CRM_UI', sourceId: 'userId:9' })).toBe(false);
    expect(isEcho({ ...base, changeSource: 'INTEGRATION', sourceId: '999' })).toBe(false);
    expect(isEcho({ ...base, changeSource: 'INTEGRATION', sourceId: '14711' })).toBe(false);
    expect(isEcho({ ...base, changeSource: 'INTEGRATION', sourceId: '4711', ourAppId: undefined })).toBe(false);
  });

  it('is not an echo when the value differs from what we pushed, or we never pushed', () => {
    expect(isEcho({ ...base, incomingValue: 'Ada L.', changeSource: 'INTEGRATION', sourceId: '4711' })).toBe(false);
    expect(isEcho({ ...base, state: {} })).toBe(false);
  });

  it('compares normalised values: HubSpot may re-spell what we sent', () => {
    const input = {
      state: { pushed: fp('1000', 'decimal') },
      changeSource: 'INTEGRATION',
      sourceId: '4711',
      ourAppId: '4711',
    };
    expect(isEcho({ ...input, incomingValue: '1000.00', transform: 'decimal' })).toBe(true);
    expect(isEcho({ ...input, incomingValue: '1000.01', transform: 'decimal' })).toBe(false);
  });
});

describe('shouldPushField', () => {
  const pushedB = fp('B');
  const pulledA = fp('A');

  it('pushes a local change and nothing else', () => {
    expect(shouldPushField({ currentLocalValue: 'C', state: { pushed: pushedB, pulled: pulledA } })).toBe(true);
    expect(shouldPushField({ currentLocalValue: 'B', state: { pushed: pushedB, pulled: pulledA } })).toBe(false);
  });

  it('does not push back the value just pulled from HubSpot (no ping-pong)', () => {
    expect(shouldPushField({ currentLocalValue: 'A', state: { pulled: pulledA } })).toBe(false);
  });

  it('pushes a never-synced value but not a never-synced empty field', () => {
    expect(shouldPushField({ currentLocalValue: 'x', state: {} })).toBe(true);
    expect(shouldPushField({ currentLocalValue: null, state: {} })).toBe(false);
    expect(shouldPushField({ currentLocalValue: '', state: {} })).toBe(false);
  });

  it('pushes clearing a field that was synced before', () => {
    expect(shouldPushField({ currentLocalValue: null, state: { pushed: pushedB, pulled: pulledA } })).toBe(true);
  });

  it('with times, pushes a revert to the older synced value (A pulled, B pushed, back to A)', () => {
    const times = { pulledAt: 100, pushedAt: 200 };
    expect(
      shouldPushField({
        currentLocalValue: 'A',
        state: { pushed: pushedB, pulled: pulledA, ...times },
        localChangedAt: 300,
      }),
    ).toBe(true);
    // The same revert without a change time is indistinguishable from the pulled value: not pushed.
    expect(
      shouldPushField({
        currentLocalValue: 'A',
        state: { pushed: pushedB, pulled: pulledA, ...times },
      }),
    ).toBe(false);
  });

  it('with times, never pushes the most recently pulled value', () => {
    const times = { pushedAt: 100, pulledAt: 200 };
    expect(
      shouldPushField({
        currentLocalValue: 'A',
        state: { pushed: pushedB, pulled: pulledA, ...times },
        localChangedAt: new Date(300),
      }),
    ).toBe(false);
    expect(
      shouldPushField({
        currentLocalValue: 'B',
        state: { pushed: pushedB, pulled: pulledA, ...times },
        localChangedAt: new Date(300),
      }),
    ).toBe(true);
  });

  it('compares a typed local value with the wire value it was pushed as', () => {
    const at = new Date('2024-01-15T10:00:00Z');
    const pushed = fp('1705312800000', 'datetime');
    expect(
      shouldPushField({
        currentLocalValue: at,
        transform: 'datetime',
        state: { pushed },
      }),
    ).toBe(false);
    const enumField = { transform: 'enum' as const, values: { open: 'OPEN' } };
    expect(
      shouldPushField({
        currentLocalValue: 'open',
        transform: enumField,
        state: { pulled: fp('OPEN', enumField) },
      }),
    ).toBe(false);
  });
});
