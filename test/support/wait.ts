// Bounded polling for end-to-end tests: wait for a condition with a deadline, never a bare sleep.

/**
 * Polls until `check` returns something other than undefined, null or false, failing after `timeoutMs` with
 * `what` in the message. A check that throws (a workflow not started yet, a server still restarting) is
 * polled again; the last error is quoted if the deadline passes.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
