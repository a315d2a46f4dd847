// postinstall: generate the Prisma client (query compiler, no native engine download).
// `prisma generate` only needs DATABASE_URL to be set, not reachable.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const prismaBin = path.join(root, 'node_modules', '.bin', 'prisma');
execFileSync(prismaBin, ['generate'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/hubsync' },
});
