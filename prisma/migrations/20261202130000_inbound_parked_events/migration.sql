-- Webhook events a per-record workflow still held when its rounds ran out, kept for `hubsync parked --redrive`.
-- park_key (workflow id, run id, offset) makes the park activity idempotent.
CREATE TABLE "inbound_parked_events" (
    "id" BIGSERIAL NOT NULL,
    "park_key" TEXT NOT NULL,
    "portal_id" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT NOT NULL,
    "events" JSONB NOT NULL,
    "last_error" TEXT NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redriven_at" TIMESTAMPTZ(3),

    CONSTRAINT "inbound_parked_events_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "inbound_parked_events_park_key_key" ON "inbound_parked_events"("park_key");
CREATE INDEX "inbound_parked_events_portal_id_redriven_at_idx" ON "inbound_parked_events"("portal_id", "redriven_at");
CREATE INDEX "inbound_parked_events_parked_at_idx" ON "inbound_parked_events"("parked_at");
