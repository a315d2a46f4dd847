import type { ActivityInterceptorsFactory } from '@temporalio/worker';

// Every activity heartbeats while it runs, so when its worker dies (a crash, a deploy's SIGKILL) Temporal retries
// it elsewhere after the heartbeat timeout its workflow sets (seconds), not after its start-to-close timeout
// (minutes for a fetch that may wait on HubSpot's rate limit). Measured in the chaos run: without this, one lost
// fetch held its record's events back for 2 minutes, long enough for later merges and erasures to overtake them.

const HEARTBEAT_EVERY_MS = 2_000;

export const activityHeartbeats: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute: async (input, next) => {
      const timer = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await next(input);
      } finally {
        clearInterval(timer);
      }
    },
  },
});
