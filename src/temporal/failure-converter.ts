// Loaded by path (Temporal needs that for the workflow sandbox) when payloads are encrypted: failure messages
// and stack traces, which can quote a HubSpot validation error and the value it refused, then travel inside
// the encrypted attributes instead of in plain text.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
