import { scrubErrorMessage } from '../../../activities/inbound/park';

describe('the error message stored with parked events', () => {
  it('holds no configured secret or bearer token, and is bounded', () => {
    const message = scrubErrorMessage(
      'refused for s3cret-token: Authorization: Bearer abc.def, token pat-na1-1234abcd-5678',
      ['s3cret-token', undefined],
    );
    expect(message).toBe('refused for [redacted]: Authorization: Bearer [redacted], token [redacted]');
    expect(scrubErrorMessage('x'.repeat(5_000), []).length).toBe(1_001);
  });
});
