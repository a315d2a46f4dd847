-- Webhook events hubsync refused one by one (unsynced type, missing field, id beyond 2^53, unknown portal),
-- kept with the reason while the rest of their batch was applied. Bounded by WEBHOOK_DEAD_LETTER_RETENTION_DAYS
-- and WEBHOOK_DEAD_LETTER_MAX_ROWS, enforced on every insert.
CREATE TABLE "webhook_dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "portal_id" TEXT,
    "subscription_type" TEXT,
    "event_id" TEXT,
    "object_id" TEXT,
    "reason" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    -- The event's JSON as received, cut at 256 KB (text: an event is stored whatever its nesting).
    "event" TEXT NOT NULL,

    CONSTRAINT "webhook_dead_letters_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "webhook_dead_letters_received_at_idx" ON "webhook_dead_letters"("received_at");
