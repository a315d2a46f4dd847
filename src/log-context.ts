import { AsyncLocalStorage } from 'node:async_hooks';

// Fields every log line written inside a unit of work carries (for activities: workflow id, run id, activity
// type, portal), whichever logger instance writes it. The logger's mixin reads this; the Temporal activity
// interceptor (src/temporal/activity-logging.ts) fills it. Ids only: never secrets or personal data.
export const logContext = new AsyncLocalStorage<Readonly<Record<string, string>>>();
