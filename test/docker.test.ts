// The image and the compose file: the final stage runs compiled JavaScript on production dependencies only,
// compose runs worker, server, Temporal, its UI (pointed at the codec server) and PostgreSQL, and
// `docker-compose config -q` accepts the file where docker-compose is installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  build?: string | { target?: string };
}

describe('Docker', () => {
  const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
  };

  it('the final image stage installs production dependencies only and runs node on dist', () => {
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages[stages.length - 1]!;
    expect(final).toContain('npm ci --omit=dev');
    expect(final).toContain('COPY --from=build /app/dist ./dist');
    expect(final).not.toMatch(/tsx|jest|playwright/);
    const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const devOnly of ['tsx', 'jest', 'playwright-core', 'typescript', '@swc/jest'])
      expect(Object.keys(pkg.dependencies)).not.toContain(devOnly);
  });

  it('compose runs the built worker and server, Temporal, its UI with the codec endpoint, and PostgreSQL', () => {
    const { services } = compose;
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'worker', 'server'])
      expect(Object.keys(services)).toContain(name);
    expect(services.worker!.command).toEqual(['node', 'dist/src/worker.js']);
    expect(services.server!.command).toEqual(['node', 'dist/src/server.js']);
    const admin = services.server!.environment!;
    expect(services.server!.ports).toContain(`127.0.0.1:${admin.ADMIN_PORT}:${admin.ADMIN_PORT}`);
    expect(services['temporal-ui']!.environment!.TEMPORAL_CODEC_ENDPOINT).toBe(
      `http://localhost:${admin.ADMIN_PORT}/codec`,
    );
    expect(admin.CODEC_CORS_ORIGINS).toContain('http://localhost:8233');
  });

  const dockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  (dockerCompose.status === 0 ? it : it.skip)('docker-compose config -q accepts the file', () => {
    const result = spawnSync('docker-compose', ['config', '-q'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
