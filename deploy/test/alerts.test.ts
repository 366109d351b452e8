import { describe, expect, it } from '@jest/globals';
import { ALERT_RULES, metricNames, monitoringQueries } from './monitoring.js';
import { runTool } from './tools.js';

describe('the Prometheus alert rules and the Grafana dashboard', () => {
  it('pass promtool check rules and check config', () => {
    for (const args of [['check', 'rules', ALERT_RULES], ['check', 'config', 'deploy/prometheus/prometheus.yml']]) {
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
    expect(metricNames({ source: 'sample', expr: 'sum by (service) (rate(http_requests_total{a="b"}[$__rate_interval])) / up' })).toEqual(['http_requests_total']);
    expect(() => metricNames({ source: 'sample', expr: 'sum(rate(http_requests_total[5m])' })).toThrow(/not PromQL/);
  });
});
