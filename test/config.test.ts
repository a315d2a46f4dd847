import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseConfig, ConfigError, requestsPer10s, startupWarnings } from '../src/config';

describe('config', () => {
  it('applies the embedded defaults', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/hubsync');
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.HUBSPOT_RATE_TIER).toBe('professional');
    expect(requestsPer10s(config)).toBe(190);
  });

  it('names every bad variable, without echoing its value', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', HUBSPOT_RATE_TIER: 'platinum', PLATFORM_API_KEY: 'short-secret' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/^PORT:/m);
    expect(problems).toMatch(/^HUBSPOT_RATE_TIER:/m);
    expect(problems).toMatch(/^PLATFORM_API_KEY:/m);
    expect((error as Error).message).not.toContain('short-secret');
  });

  it('a custom requests-per-10s overrides the tier', () => {
    expect(requestsPer10s(parseConfig({ HUBSPOT_REQUESTS_PER_10S: '42' }))).toBe(42);
  });

  it('makes the server exit at start with a message naming the bad variable', () => {
    const root = path.resolve(__dirname, '..');
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['src/server.ts'], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: 'not an address' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('TEMPORAL_ADDRESS');
  });

  describe('in production', () => {
    const secrets = {
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-real-token',
      HUBSPOT_CLIENT_SECRET: 'real-client-secret',
      PLATFORM_API_KEY: 'a-real-platform-key-0123',
    };
    const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
      try {
        parseConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };

    it('refuses every secret left at its repository default, naming each', () => {
      const problems = problemsOf({ NODE_ENV: 'production' });
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
        'HUBSPOT_ACCESS_TOKEN',
        'HUBSPOT_CLIENT_SECRET',
        'PLATFORM_API_KEY',
      ]);
    });

    it('refuses the demo values set explicitly (a copied .env.example), and only those', () => {
      const problems = problemsOf({
        NODE_ENV: 'production',
        ...secrets,
        HUBSPOT_CLIENT_SECRET: 'sim-client-secret-demo',
      });
      expect(problems).toEqual([expect.stringMatching(/^HUBSPOT_CLIENT_SECRET: must be set in production/)]);
      expect(problems.join('\n')).not.toContain('sim-client-secret-demo');
    });

    it('starts with real secrets, and outside production with the demo ones', () => {
      expect(parseConfig({ NODE_ENV: 'production', ...secrets }).HUBSPOT_ACCESS_TOKEN).toBe(
        secrets.HUBSPOT_ACCESS_TOKEN,
      );
      expect(parseConfig({ NODE_ENV: 'development' }).HUBSPOT_ACCESS_TOKEN).toBe('sim-token-demo');
    });

    const root = path.resolve(__dirname, '..');
    const production = {
      ...process.env,
      NODE_ENV: 'production',
      HUBSPOT_ACCESS_TOKEN: '',
      HUBSPOT_CLIENT_SECRET: '',
      PLATFORM_API_KEY: '',
    };
    it.each(['src/worker.ts', 'src/server.ts'])('%s exits at start naming each default secret', (entry) => {
      const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [entry], {
        cwd: root,
        env: production,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(78);
      for (const name of ['HUBSPOT_ACCESS_TOKEN', 'HUBSPOT_CLIENT_SECRET', 'PLATFORM_API_KEY'])
        expect(result.stderr).toContain(name);
    });

    it('the CLI refuses to run a command, naming each default secret', () => {
      const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['src/cli.ts', 'status'], {
        cwd: root,
        env: production,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /invalid configuration: HUBSPOT_ACCESS_TOKEN.*HUBSPOT_CLIENT_SECRET.*PLATFORM_API_KEY/,
      );
    });
  });

  it('warns at start when webhook signatures without a timestamp (v1, v2) are configured, not for v3', () => {
    expect(startupWarnings(parseConfig({}))).toEqual([]);
    for (const version of ['v1', 'v2']) {
      const [warning, ...rest] = startupWarnings(parseConfig({ HUBSPOT_WEBHOOK_SIGNATURE_VERSION: version }));
      expect(rest).toEqual([]);
      expect(warning).toContain(`HUBSPOT_WEBHOOK_SIGNATURE_VERSION=${version}`);
      expect(warning).toContain('replayed');
    }
  });
});
