import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseConfig, ConfigError, requestsPer10s } from '../src/config';

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
});
