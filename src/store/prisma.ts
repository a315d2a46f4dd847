import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type { PrismaClient };

/** The client or an open transaction: store functions take either, so callers can compose one commit. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Every transaction of hubsync: how long it may run (a page of 100 rows with its conflicts and outbox entries
 * commits far within it) and how long it may wait for a pooled connection.
 */
export const TRANSACTION_OPTIONS = { timeout: 60_000, maxWait: 30_000 } as const;

/** Runs `fn` in a new transaction, or inside the caller's when `db` already is one. */
export function inTransaction<T>(db: Db, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  if ('$transaction' in db) return db.$transaction(fn, TRANSACTION_OPTIONS);
  return fn(db);
}

/** A Prisma client on the pg driver adapter (no native query engine on these machines). */
export function createPrisma(databaseUrl: string, options: { poolSize?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
