import type { Config } from '../config';
import { createPrisma, type PrismaClient } from '../store/prisma';

// The CLI's database access: a small pool, opened for one command and closed with it.

export async function withDatabase<T>(
  config: Pick<Config, 'DATABASE_URL'>,
  fn: (prisma: PrismaClient) => Promise<T>,
): Promise<T> {
  const prisma = createPrisma(config.DATABASE_URL, { poolSize: 2 });
  try {
    return await fn(prisma);
  } finally {
    await prisma.$disconnect();
  }
}
