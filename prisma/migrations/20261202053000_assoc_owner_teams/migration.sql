-- Owners' teams as HubSpot's owners API lists them (id, name, primary), kept in owners.teams (JSONB, one
-- array per owner, the order HubSpot gives). The GIN index answers "owners of team X"
-- (teams @> '[{"id": "X"}]'), the owner_teams view gives one row per owner and team for joins.
CREATE INDEX "owners_teams_idx" ON "owners" USING GIN ("teams" jsonb_path_ops);

CREATE VIEW "owner_teams" AS
  SELECT o."portal_id", o."id" AS "owner_id", o."hubspot_id" AS "owner_hubspot_id", t."id" AS "team_id",
         t."name" AS "team_name", COALESCE(t."primary", false) AS "is_primary", o."archived" AS "owner_archived"
    FROM "owners" o
   CROSS JOIN LATERAL jsonb_to_recordset(o."teams") AS t("id" text, "name" text, "primary" boolean);
