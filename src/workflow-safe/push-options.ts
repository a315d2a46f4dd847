// How push workflows are started: passed to the outbox relay workflow, which starts them itself.
export interface PushStartOptions {
  defaultPortalId: string;
  /** The main task queue (workflows). */
  taskQueue: string;
  hubspotTaskQueue: string;
  batchWindowMs: number;
  idleTimeoutMs: number;
}
