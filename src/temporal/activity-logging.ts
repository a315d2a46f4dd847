import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { logContext } from '../log-context';

// Every log line an activity writes — its own, the HubSpot client's, the store's — carries the workflow id,
// run id, activity type and portal, so a line in the logs leads to the run in the Temporal UI and back.

/** Workflow ids put the portal second (`push:<portal>:contacts`, `hubspot:<portal>:deals:42`, …). */
function portalOf(args: readonly unknown[], workflowId: string): string | undefined {
  const first = args[0] as { portalId?: unknown } | undefined;
  if (first && typeof first === 'object' && typeof first.portalId === 'string') return first.portalId;
  const fromId = workflowId.split(':')[1];
  return fromId && /^\d+$/.test(fromId) ? fromId : undefined;
}

export const activityLogContext: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    execute: (input, next) => {
      const { workflowExecution, activityType, attempt } = ctx.info;
      const workflowId = workflowExecution?.workflowId ?? '';
      const portalId = portalOf(input.args, workflowId);
      const fields = {
        workflowId,
        runId: workflowExecution?.runId ?? '',
        activity: activityType,
        attempt: String(attempt),
        ...(portalId ? { portalId } : {}),
      };
      return logContext.run(fields, () => next(input));
    },
  },
});
