// Schedules one activity per task, in the order given, each with its own priority, on a queue the test polls
// only once every task is in its backlog: the order the activities start in is the order Temporal dispatched them.
import type { Priority } from '@temporalio/common';
import { proxyActivities } from '@temporalio/workflow';

export interface ProbeTask {
  label: string;
  priority?: Priority;
}

export interface ProbeActivities {
  probe(label: string): Promise<void>;
}

export async function dispatchProbeWorkflow(activityQueue: string, tasks: ProbeTask[]): Promise<void> {
  await Promise.all(
    tasks.map(({ label, priority }) =>
      proxyActivities<ProbeActivities>({
        taskQueue: activityQueue,
        startToCloseTimeout: '1 minute',
        retry: { maximumAttempts: 1 },
        priority,
      }).probe(label),
    ),
  );
}
