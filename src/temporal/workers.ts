import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import { hubspotQueueWorkerRate } from './fairness';
import { activityHeartbeats } from './activity-heartbeats';
import { activityLogContext } from './activity-logging';
import { hubspotFailures } from './hubspot-failures';
import { dataConverterOption } from './payload-codec';

export interface WorkerSetOptions {
  connection: NativeConnection;
  config: Pick<
    Config,
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_TASK_QUEUE'
    | 'TEMPORAL_HUBSPOT_TASK_QUEUE'
    | 'HUBSPOT_RATE_TIER'
    | 'HUBSPOT_REQUESTS_PER_10S'
    | 'TEMPORAL_PAYLOAD_KEY'
  > & { TEMPORAL_FAIRNESS?: boolean };
  /** Store-only activities, on the main queue beside the workflows. */
  activities: object;
  /** Activities that call HubSpot: on their own queue, whose server-side rate keeps a whole fleet under the limit. */
  hubspotActivities: object;
  workflowsPath?: string;
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export interface WorkerSet {
  workers: Worker[];
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * The two workers one hubsync worker process runs. The HubSpot queue's rate is enforced by the Temporal server
 * across every worker polling it, so adding workers never exceeds HubSpot's rate: a HubSpot-calling activity
 * makes one request (a backfill activity up to backfillPagesPerActivity, so the activity rate is divided by
 * that). The rate is `maxTaskQueueActivitiesPerSecond`, or with TEMPORAL_FAIRNESS one per portal
 * (src/temporal/fairness.ts).
 */
export async function createWorkerSet(options: WorkerSetOptions): Promise<WorkerSet> {
  const { connection, config } = options;
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath: options.workflowsPath ?? require.resolve('../../workflows') };
  // One instance for both workers: the codec holds the key.
  const shared = dataConverterOption(config);
  const interceptors = { activity: [activityLogContext, activityHeartbeats, hubspotFailures] };

  const main = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...workflowSource,
    ...shared,
    activities: options.activities,
    interceptors,
    shutdownGraceTime: '10s',
  });
  const workers = [main];
  if (Object.keys(options.hubspotActivities).length > 0) {
    workers.push(
      await Worker.create({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_HUBSPOT_TASK_QUEUE,
        activities: options.hubspotActivities,
        ...shared,
        interceptors,
        ...queueRate(hubspotQueueWorkerRate(config)),
        shutdownGraceTime: '10s',
      }),
    );
  }
  return {
    workers,
    run: async () => {
      await Promise.all(workers.map((w) => w.run()));
    },
    shutdown: () => workers.forEach((w) => w.getState() === 'RUNNING' && w.shutdown()),
  };
}

function queueRate(perSecond: number | undefined): Pick<WorkerOptions, 'maxTaskQueueActivitiesPerSecond'> {
  return perSecond === undefined ? {} : { maxTaskQueueActivitiesPerSecond: perSecond };
}
