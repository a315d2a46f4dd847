-- The outbox also carries association intents: an entry naming association_to_type and association_to_id is
-- "associate (object_type, local_id) with (association_to_type, association_to_id)" under association_label
-- (null: the unlabelled association), or remove it when association_remove is true. Written by the platform in
-- the transaction of its own change, relayed to push:<portal>:associations like record entries to theirs.
ALTER TABLE "outbox"
  ADD COLUMN "association_to_type" TEXT,
  ADD COLUMN "association_to_id" UUID,
  ADD COLUMN "association_label" TEXT,
  ADD COLUMN "association_remove" BOOLEAN NOT NULL DEFAULT false,
  ADD CONSTRAINT "outbox_association_ends_check" CHECK (("association_to_type" IS NULL) = ("association_to_id" IS NULL));
