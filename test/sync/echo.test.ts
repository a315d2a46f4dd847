import { isEcho, shouldPushField } from '../../src/sync/echo';
import { fieldFingerprint } from '../../src/sync/field-state';

const fp = (value: unknown, transform: Parameters<typeof fieldFingerprint>[0] = 'string'): string =>
  fieldFingerprint(transform, value);

describe('isEcho', () => {
  const pushed = fp('Ada');
  const base = { incomingValue: 'Ada', lastPushedFingerprint: pushed, ourAppId: '4711' };

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
    expect(isEcho({ ...base, lastPushedFingerprint: null })).toBe(false);
  });

  it('compares normalised values: HubSpot may re-spell what we sent', () => {
    const input = {
      lastPushedFingerprint: fp('1000', 'decimal'),
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
    expect(
      shouldPushField({ currentLocalValue: 'C', lastPushedFingerprint: pushedB, lastPulledFingerprint: pulledA }),
    ).toBe(true);
    expect(
      shouldPushField({ currentLocalValue: 'B', lastPushedFingerprint: pushedB, lastPulledFingerprint: pulledA }),
    ).toBe(false);
  });

  it('does not push back the value just pulled from HubSpot (no ping-pong)', () => {
    expect(
      shouldPushField({ currentLocalValue: 'A', lastPushedFingerprint: undefined, lastPulledFingerprint: pulledA }),
    ).toBe(false);
  });

  it('pushes a never-synced value but not a never-synced empty field', () => {
    expect(shouldPushField({ currentLocalValue: 'x', lastPushedFingerprint: null, lastPulledFingerprint: null })).toBe(
      true,
    );
    expect(shouldPushField({ currentLocalValue: null, lastPushedFingerprint: null, lastPulledFingerprint: null })).toBe(
      false,
    );
    expect(shouldPushField({ currentLocalValue: '', lastPushedFingerprint: null, lastPulledFingerprint: null })).toBe(
      false,
    );
  });

  it('pushes clearing a field that was synced before', () => {
    expect(
      shouldPushField({ currentLocalValue: null, lastPushedFingerprint: pushedB, lastPulledFingerprint: pulledA }),
    ).toBe(true);
  });

  it('with times, pushes a revert to the older synced value (A pulled, B pushed, back to A)', () => {
    const times = { lastPulledAt: 100, lastPushedAt: 200 };
    expect(
      shouldPushField({
        currentLocalValue: 'A',
        lastPushedFingerprint: pushedB,
        lastPulledFingerprint: pulledA,
        ...times,
        localChangedAt: 300,
      }),
    ).toBe(true);
    // The same revert without a change time is indistinguishable from the pulled value: not pushed.
    expect(
      shouldPushField({
        currentLocalValue: 'A',
        lastPushedFingerprint: pushedB,
        lastPulledFingerprint: pulledA,
        ...times,
      }),
    ).toBe(false);
  });

  it('with times, never pushes the most recently pulled value', () => {
    const times = { lastPushedAt: new Date(100), lastPulledAt: new Date(200), localChangedAt: new Date(300) };
    expect(
      shouldPushField({
        currentLocalValue: 'A',
        lastPushedFingerprint: pushedB,
        lastPulledFingerprint: pulledA,
        ...times,
      }),
    ).toBe(false);
    expect(
      shouldPushField({
        currentLocalValue: 'B',
        lastPushedFingerprint: pushedB,
        lastPulledFingerprint: pulledA,
        ...times,
      }),
    ).toBe(true);
  });

  it('compares a typed local value with the wire value it was pushed as', () => {
    const at = new Date('2024-01-15T10:00:00Z');
    const lastPushedFingerprint = fp('1705312800000', 'datetime');
    expect(
      shouldPushField({
        currentLocalValue: at,
        transform: 'datetime',
        lastPushedFingerprint,
        lastPulledFingerprint: null,
      }),
    ).toBe(false);
    const enumField = { transform: 'enum' as const, values: { open: 'OPEN' } };
    expect(
      shouldPushField({
        currentLocalValue: 'open',
        transform: enumField,
        lastPushedFingerprint: null,
        lastPulledFingerprint: fp('OPEN', enumField),
      }),
    ).toBe(false);
  });
});
