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
