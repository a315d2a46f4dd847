// Prisma's migration engine, run as JavaScript/Wasm through the pg adapter: these machines cannot
// download Prisma's native engines (see README, "Prisma offline").
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';
import { Client } from 'pg';

const TEXT_OID = 25;
// adapter-pg 6.x cannot decode the catalog types "char" (18) and name (19) that the schema engine reads
// (prisma/prisma#27403); reading them as text is lossless.
const CATALOG_OIDS = new Set([18, 19]);

type QueryResultLike = { fields?: { dataTypeID: number }[] } | undefined;

function readCatalogTypesAsText(res: QueryResultLike): QueryResultLike {
  for (const field of res?.fields ?? []) {
    if (CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
  }
  return res;
}

class CatalogSafeClient extends Client {
  // pg's Pool calls query() with a callback; direct callers get a promise. Patch both paths.
  override query(...args: unknown[]): never {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: QueryResultLike) =>
        (last as (e: unknown, r: unknown) => void)(err, readCatalogTypesAsText(res));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<QueryResultLike>).then(readCatalogTypesAsText) as never;
    }
    return result as never;
  }
}

function discreteConnection(url: string) {
  // Discrete fields, not a connection string: the shadow database is derived by replacing `database`,
  // and a connection string would silently win and point the shadow at the real database.
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, '') || 'postgres',
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  adapter: async () =>
    new PrismaPg({
      ...discreteConnection(process.env.DATABASE_URL ?? ''),
      idleTimeoutMillis: 1,
      Client: CatalogSafeClient,
    }),
});
