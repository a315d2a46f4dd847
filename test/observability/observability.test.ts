// The dashboard and the alert rules in docs/observability name only metrics hubsync registers, and are well
// formed: Prometheus rule groups with a name, an expression, a duration and a summary per alert; Grafana panels
// with a PromQL target each. (promtool is not installed on these machines; this is the parser check.)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../src/metrics';

const DIR = resolve(__dirname, '../../docs/observability');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Every series name an exposition can hold: counters/gauges as named, histograms/summaries with suffixes. */
async function registeredSeries(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const m of await metrics.registry.getMetricsAsJSON()) {
    names.add(m.name);
    for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${m.name}${suffix}`);
  }
  return names;
}

const metricNames = (expr: string): string[] => [...expr.matchAll(/\bhubsync_[a-z0-9_]+/g)].map((m) => m[0]);

function balanced(expr: string): boolean {
  let depth = 0;
  for (const c of expr.replace(/"[^"]*"/g, '')) {
    if ('({['.includes(c)) depth++;
    if (')}]'.includes(c) && --depth < 0) return false;
  }
  return depth === 0;
}

describe('observability files', () => {
  it('every alert is complete and uses registered metrics only', async () => {
    const series = await registeredSeries();
    const doc = parse(readFileSync(resolve(DIR, 'alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: Rule[] }[];
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Hubsync[A-Za-z]+$/);
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(balanced(rule.expr)).toBe(true);
      const names = metricNames(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect([...series]).toContain(name);
    }
    // What the README promises to alert on is there.
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const metric of [
      'hubsync_sync_lag_seconds',
      'hubsync_webhook_inbox_oldest_seconds',
      'hubsync_webhook_requests_total',
      'hubsync_records_pushed_total',
      'hubsync_hubspot_rate_limited_total',
    ])
      expect(exprs).toContain(metric);
  });

  it('every dashboard panel queries registered metrics', async () => {
    const series = await registeredSeries();
    const dashboard = JSON.parse(readFileSync(resolve(DIR, 'dashboard.json'), 'utf8')) as {
      uid: string;
      panels: { id: number; title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('hubsync');
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const { expr } of panel.targets) {
        expect(balanced(expr)).toBe(true);
        for (const name of metricNames(expr)) expect([...series]).toContain(name);
      }
    }
  });
});
