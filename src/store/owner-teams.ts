// Owners' teams as HubSpot's owners API lists them, written beside the owner rows the page apply wrote (the
// owners API is read in full on every run, so each run rewrites them; an unchanged list writes nothing).
import type { Db } from './prisma';

export interface OwnerTeam {
  id: string;
  name: string;
  primary: boolean;
}

export interface OwnerTeams {
  hubspotId: string;
  teams: OwnerTeam[];
}

/** Sets each listed owner's teams; returns how many rows changed. Owners not stored yet are skipped. */
export async function saveOwnerTeams(db: Db, portalId: string, owners: readonly OwnerTeams[]): Promise<number> {
  if (owners.length === 0) return 0;
  return db.$executeRawUnsafe(
    `UPDATE owners o SET teams = x.teams
       FROM jsonb_to_recordset($2::jsonb) AS x(hubspot_id text, teams jsonb)
      WHERE o.portal_id = $1 AND o.hubspot_id = x.hubspot_id AND o.teams IS DISTINCT FROM x.teams`,
    portalId,
    JSON.stringify(owners.map((o) => ({ hubspot_id: o.hubspotId, teams: o.teams }))),
  );
}
