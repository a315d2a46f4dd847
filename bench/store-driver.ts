// Where the backfill's apply spends the worker's CPU: the page statements (writeRows: one INSERT … SELECT FROM
// jsonb_to_recordset of 100 rows; lockRows: the SELECT … FOR UPDATE of the rows a page names) sent through
// Prisma's raw queries (driver adapter + query compiler, as hubsync does) and through the pg driver alone, the
// same SQL and parameters, side by side in one process; plus a bare statement and a bare transaction through each.
// CPU µs of this process per record (load-insensitive), median of the rounds.
// Usage: npm run bench:store-driver [-- --rounds 5 --pages 40]. Needs PostgreSQL. Writes bench/results/store-driver.{json,md}.
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createPrisma, type Db } from '../src/store/prisma';
import { lockRows, writeRows } from '../src/store/hubspot-records';
import { applyRecords, type InboundRecord } from '../src/sync/apply-record';
import { DEFAULT_MAPPING } from '../src/sync';
import { benchArgs, DATABASE_URL, loadNow, machineInfo, migrateBenchDatabase, writeResults } from './support/setup';
import { median } from './support/stats';

const args = benchArgs();
const ROUNDS = Number(args.get('rounds') ?? 5);
const PAGES = Number(args.get('pages') ?? 40);
const PORTAL = `store-driver-${randomBytes(3).toString('hex')}`;
// As the simulator lists a contact: 22 properties, ~680 bytes of JSON a record (a 100-record page is ~68 KB).
const PROPERTIES = 17;

function record(i: number): InboundRecord {
  const properties: Record<string, string | null> = {
    email: `u${i}@example.com`,
    firstname: `First${i}`,
    lastname: `Last${i}`,
    lastmodifieddate: new Date().toISOString(),
    hs_object_id: String(i),
  };
  for (let k = 0; k < PROPERTIES; k++) properties[`prop_${k}`] = `value ${k} of record ${i} ${'x'.repeat(20)}`;
  return { hubspotId: String(1_000_000 + i), properties, archived: false, changedAt: Date.now() };
}

/** The two raw-query calls the page statements use, answered by the pg driver alone. */
function pgDb(pool: Pool): Db {
  return {
    $queryRawUnsafe: async (sql: string, ...params: unknown[]) => (await pool.query(sql, params)).rows,
    $executeRawUnsafe: async (sql: string, ...params: unknown[]) => (await pool.query(sql, params)).rowCount,
  } as unknown as Db;
}

async function cpuUs(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

interface DriverFigures {
  writeRowsUsPerRecord: number;
  lockRowsUsPerRecord: number;
  statementUs: number;
  transactionUs: number;
}

async function main(): Promise<void> {
  migrateBenchDatabase();
  const loadBefore = loadNow();
  const prisma = createPrisma(DATABASE_URL);
  const pool = new Pool({ connectionString: DATABASE_URL, max: 2 });
  const options = {
    portalId: PORTAL,
    objectType: 'contacts' as const,
    mapping: DEFAULT_MAPPING,
    mode: 'full' as const,
  };
  const pages = Array.from({ length: PAGES }, (_, p) => Array.from({ length: 100 }, (_, i) => record(p * 100 + i)));
  const records = PAGES * 100;
  const samples: Record<'prisma' | 'pg', DriverFigures[]> = { prisma: [], pg: [] };
  const transaction = {
    prisma: () => prisma.$transaction(async (tx) => void (await tx.$queryRawUnsafe('SELECT 1'))),
    pg: async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT 1');
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  };
  try {
    // Round 0 warms both up (JIT, the query compiler, connections) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      for (const driver of ['prisma', 'pg'] as const) {
        const db = driver === 'prisma' ? (prisma as Db) : pgDb(pool);
        await prisma.$executeRawUnsafe('DELETE FROM contacts WHERE portal_id = $1', PORTAL);
        const rows = pages.map((page) => applyRecords(new Map(), page, options, Date.now()).rows.map((r) => r.row));
        const write = await cpuUs(async () => {
          for (const page of rows) await writeRows(db, PORTAL, 'contacts', page);
        });
        const lock = await cpuUs(async () => {
          for (const page of pages)
            await lockRows(
              db,
              PORTAL,
              'contacts',
              page.map((r) => r.hubspotId),
            );
        });
        const statement = await cpuUs(async () => {
          for (let i = 0; i < 200; i++) await db.$queryRawUnsafe('SELECT 1');
        });
        const tx = await cpuUs(async () => {
          for (let i = 0; i < 100; i++) await transaction[driver]();
        });
        if (round > 0)
          samples[driver].push({
            writeRowsUsPerRecord: write / records,
            lockRowsUsPerRecord: lock / records,
            statementUs: statement / 200,
            transactionUs: tx / 100,
          });
      }
    }
  } finally {
    await prisma.$executeRawUnsafe('DELETE FROM contacts WHERE portal_id = $1', PORTAL).catch(() => undefined);
    await Promise.allSettled([prisma.$disconnect(), pool.end()]);
  }
  const med = (driver: 'prisma' | 'pg') =>
    Object.fromEntries(
      (Object.keys(samples[driver][0]!) as Array<keyof DriverFigures>).map((k) => [
        k,
        Math.round(median(samples[driver].map((s) => s[k]))),
      ]),
    ) as unknown as DriverFigures;
  const result = {
    date: new Date().toISOString(),
    machine: machineInfo(loadBefore),
    rounds: ROUNDS,
    recordsPerRound: records,
    prisma: med('prisma'),
    pg: med('pg'),
  };
  const ratio = (k: keyof DriverFigures) => Math.round((result.prisma[k] / result.pg[k]) * 100) / 100;
  const row = (name: string, k: keyof DriverFigures, unit: string) =>
    `| ${name} | ${result.prisma[k]} ${unit} | ${result.pg[k]} ${unit} | ${ratio(k)}× |`;
  writeResults(
    'store-driver',
    result,
    `# Page statements: Prisma raw queries vs the pg driver

${result.date} · ${result.machine.cpus} CPUs · Node ${result.machine.node} · load average (1 min) ${result.machine.loadAverage1m.before} before, ${result.machine.loadAverage1m.after} after (shared machine).
${records} contact rows a round (${PAGES} pages of 100, ~680 bytes of properties each), median of ${ROUNDS} rounds after a warm-up round.
CPU µs of the bench process (the worker's side of the statement), not wall time. \`npm run bench:store-driver\`.

| statement | Prisma ($queryRawUnsafe / $executeRawUnsafe, adapter-pg) | pg driver | Prisma ÷ pg |
|---|---:|---:|---:|
${row('writeRows: INSERT … jsonb_to_recordset, 100 new rows', 'writeRowsUsPerRecord', 'µs/record')}
${row('lockRows: SELECT … FOR UPDATE of 100 stored rows', 'lockRowsUsPerRecord', 'µs/record')}
${row('SELECT 1', 'statementUs', 'µs/statement')}
${row('transaction (BEGIN, SELECT 1, COMMIT)', 'transactionUs', 'µs/transaction')}
`,
  );
}

main().catch((err) => {
  console.error(`bench:store-driver: ${(err as Error).message}`);
  process.exitCode = 1;
});
