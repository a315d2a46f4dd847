-- Webhook inbox batches Temporal kept refusing (issue 15 item 6): set aside after WEBHOOK_INBOX_MAX_ATTEMPTS
-- failed hand-offs instead of being retried forever. Sweepers skip them and retention prunes them.
ALTER TABLE "webhook_inbox" ADD COLUMN "dead_lettered_at" TIMESTAMPTZ(3);
CREATE INDEX "webhook_inbox_dead_lettered_at_idx" ON "webhook_inbox"("dead_lettered_at");
