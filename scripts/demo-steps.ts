// What both demo scripts (demo-story.ts, demo-portals.ts) do between their steps: poll until a step has landed,
// failing it with what did not happen and where to look.

/** Polls until `check` returns a value; the step fails with `what` after `timeoutMs`, pointing at `logs`. */
export function stepWaiter(timeoutMs: number, logs: string) {
  return async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<{ value: T; ms: number }> {
    const started = Date.now();
    for (;;) {
      const value = await check();
      if (value !== undefined) return { value, ms: Date.now() - started };
      if (Date.now() - started > timeoutMs)
        throw new Error(`${what} did not happen within ${timeoutMs / 1000} s (see ${logs})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
}
