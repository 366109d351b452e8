import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { ALERT_RULES, DASHBOARDS, metricNames, monitoringQueries } from './monitoring.js';
import { ROOT, runTool } from './tools.js';

const readYaml = (path: string) => parse(readFileSync(`${ROOT}${path}`, 'utf8'));

describe('the Prometheus alert rules and the Grafana dashboard', () => {
  it('pass promtool check rules and check config', () => {
    for (const args of [
      ['check', 'rules', ALERT_RULES],
      ['check', 'config', 'deploy/prometheus/prometheus.yml'],
    ]) {
      const run = runTool('promtool', args);
      expect({ args, status: run.status, output: run.stdout + run.stderr }).toMatchObject({ args, status: 0 });
    }
  });

  it('fire and stay quiet as their unit tests (promtool test rules) expect', () => {
    const run = runTool('promtool', ['test', 'rules', 'deploy/prometheus/alerts.test.yml']);
    expect({ status: run.status, output: run.stdout + run.stderr }).toMatchObject({ status: 0 });
  });

  it('query in valid PromQL, every alert and every dashboard panel and variable', () => {
    const queries = monitoringQueries();
    expect(queries.length).toBeGreaterThan(30);
    const problems = queries.flatMap((query) => {
      try {
        metricNames(query);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    });
    expect(problems).toEqual([]);
  });

  it('read PromQL with a parser that refuses what is not PromQL', () => {
    expect(metricNames({ source: 'sample', expr: 'sum by (service) (rate(http_requests_total{a="b"}[$__rate_interval])) / up' })).toEqual([
      'http_requests_total',
    ]);
    expect(() => metricNames({ source: 'sample', expr: 'sum(rate(http_requests_total[5m])' })).toThrow(/not PromQL/);
  });

  it('is provisioned by docker compose: the dashboards folder where the provider reads, the compose Prometheus as data source', () => {
    const grafana = readYaml('docker-compose.yml').services.grafana;
    const provider = readYaml('deploy/grafana/provisioning/dashboards/kinship.yml').providers[0];
    expect(grafana.volumes).toEqual(
      expect.arrayContaining(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', `./${DASHBOARDS}:${provider.options.path}:ro`]),
    );
    const [datasource] = readYaml('deploy/grafana/provisioning/datasources/prometheus.yml').datasources;
    expect(datasource).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    expect(readYaml('docker-compose.yml').services.prometheus).toBeDefined();
  });
});
