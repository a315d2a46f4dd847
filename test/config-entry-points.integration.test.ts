// The entry points refuse a bad configuration before they start anything: the server and worker exit 78
// (EX_CONFIG), the CLI exits 1, each naming the variables. One real process per case, so these run with the
// integration tests; the rules themselves are tested in config.test.ts.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

function start(entry: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), entry, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('config at the entry points', () => {
  it('makes the server exit at start with a message naming the bad variable', () => {
    const result = start(['src/server.ts'], { ...process.env, TEMPORAL_ADDRESS: 'not an address' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('TEMPORAL_ADDRESS');
  });

  describe('in production', () => {
    const production = {
      ...process.env,
      NODE_ENV: 'production',
      HUBSPOT_ACCESS_TOKEN: '',
      HUBSPOT_CLIENT_SECRET: '',
      PLATFORM_API_KEY: '',
    };
    it.each(['src/worker.ts', 'src/server.ts'])('%s exits at start naming each default secret', (entry) => {
      const result = start([entry], production);
      expect(result.status).toBe(78);
      for (const name of ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'PLATFORM_API_KEY'])
        expect(result.stderr).toContain(name);
    });

    it('the CLI refuses to run a command, naming each default secret', () => {
      const result = start(['src/cli.ts', 'status'], production);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /invalid configuration: HUBSPOT_ACCESS_TOKEN.*HUBSPOT_CLIENT_SECRET.*PLATFORM_API_KEY/,
      );
    });
  });
});
