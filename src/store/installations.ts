import { Prisma } from '../generated/prisma/client';
import { OBJECT_TYPES, objectTypeSpec } from '../sync/object-types';
import type { Db } from './prisma';

// The installations and oauth_states tables (public-app mode). Tokens arrive and leave as ciphertexts: this
// module never sees a plaintext token. Decides nothing.

export const INSTALLATION_STATES = ['active', 'paused', 'broken', 'uninstalled'] as const;
export type InstallationState = (typeof INSTALLATION_STATES)[number];

export interface InstallationRow {
  portalId: string;
  state: InstallationState;
  stateReason: string | null;
  scopes: string[];
  hubDomain: string | null;
  refreshToken: string | null;
  accessToken: string | null;
  accessTokenExpiresAt: Date | null;
  tokenKeyId: string | null;
  refreshedAt: Date | null;
  refreshCount: number;
  mappingOverride: unknown;
  rateTier: string | null;
  installedAt: Date;
  stateChangedAt: Date;
}

export interface StoredTokens {
  refreshToken: string;
  accessToken: string;
  accessTokenExpiresAt: Date;
  tokenKeyId: string;
}

function toRow(r: Awaited<ReturnType<Db['installation']['findUniqueOrThrow']>>): InstallationRow {
  return { ...r, state: r.state as InstallationState };
}

export async function findInstallation(db: Db, portalId: string): Promise<InstallationRow | undefined> {
  const row = await db.installation.findUnique({ where: { portalId } });
  return row ? toRow(row) : undefined;
}

export async function listInstallations(db: Db): Promise<InstallationRow[]> {
  return (await db.installation.findMany({ orderBy: { portalId: 'asc' } })).map(toRow);
}

/** An install or a reinstall: new tokens, state active (a broken or uninstalled portal comes back). */
export async function saveInstalled(
  db: Db,
  portalId: string,
  tokens: StoredTokens,
  details: { scopes: string[]; hubDomain?: string },
): Promise<{ reinstalled: boolean }> {
  const before = await db.installation.findUnique({ where: { portalId }, select: { portalId: true } });
  const data = {
    ...tokens,
    state: 'active',
    stateReason: null,
    stateChangedAt: new Date(),
    scopes: details.scopes,
    hubDomain: details.hubDomain ?? null,
  };
  await db.installation.upsert({ where: { portalId }, create: { portalId, ...data }, update: data });
  return { reinstalled: before !== null };
}

/** Row-locks the installation for a refresh (other processes wait, then re-read what this one wrote). */
export async function lockInstallation(tx: Prisma.TransactionClient, portalId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM installations WHERE portal_id = ${portalId} FOR UPDATE`;
}

export async function saveRefreshed(
  db: Db,
  portalId: string,
  tokens: Omit<StoredTokens, 'refreshToken'> & { refreshToken?: string },
): Promise<void> {
  await db.installation.update({
    where: { portalId },
    data: { ...tokens, refreshedAt: new Date(), refreshCount: { increment: 1 } },
  });
}

export async function setInstallationState(
  db: Db,
  portalId: string,
  state: InstallationState,
  reason: string | null,
  options: { eraseTokens?: boolean } = {},
): Promise<boolean> {
  const { count } = await db.installation.updateMany({
    where: { portalId },
    data: {
      state,
      stateReason: reason,
      stateChangedAt: new Date(),
      ...(options.eraseTokens
        ? { refreshToken: null, accessToken: null, accessTokenExpiresAt: null, tokenKeyId: null }
        : {}),
    },
  });
  return count > 0;
}

export async function setMappingOverride(db: Db, portalId: string, mapping: unknown): Promise<void> {
  await db.installation.update({
    where: { portalId },
    data: { mappingOverride: mapping === null ? Prisma.DbNull : (mapping as Prisma.InputJsonValue) },
  });
}

export async function setRateTier(db: Db, portalId: string, tier: string | null): Promise<void> {
  await db.installation.update({ where: { portalId }, data: { rateTier: tier } });
}

/** Stores an install link's state; drops expired ones in the same call, so the table stays bounded. */
export async function saveOAuthState(
  db: Db,
  nonce: string,
  codeVerifier: string | null,
  expiresAt: Date,
): Promise<void> {
  await db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  await db.oAuthState.create({ data: { nonce, codeVerifier, expiresAt } });
}

/** Takes an install link's state: at most once (DELETE … RETURNING), and only before it expires. */
export async function consumeOAuthState(
  db: Db,
  nonce: string,
): Promise<{ found: false } | { found: true; expired: boolean; codeVerifier: string | null }> {
  const rows = await db.$queryRaw<Array<{ code_verifier: string | null; expires_at: Date }>>`
    DELETE FROM oauth_states WHERE nonce = ${nonce} RETURNING code_verifier, expires_at`;
  const row = rows[0];
  if (!row) return { found: false };
  return { found: true, expired: row.expires_at.getTime() <= Date.now(), codeVerifier: row.code_verifier };
}

/** Every table holding a portal's rows, for `portals remove --delete-rows`. */
export const PORTAL_TABLES = [
  ...OBJECT_TYPES.map((type) => objectTypeSpec(type).table),
  'associations',
  'association_labels',
  'sync_cursors',
  'backfill_unseen_links',
  'sync_runs',
  'processed_webhook_events',
  'outbox',
  'sync_conflicts',
  'sync_failures',
  'privacy_erasures',
  'webhook_dead_letters',
  'hubspot_property_catalogs',
] as const;

/** Deletes a portal's rows from every table (one transaction); returns the count per table. */
export async function deletePortalRows(db: Db, portalId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of PORTAL_TABLES)
    counts[table] = await db.$executeRawUnsafe(`DELETE FROM "${table}" WHERE portal_id = $1`, portalId);
  return counts;
}
