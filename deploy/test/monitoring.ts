import { readdirSync, readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { ROOT } from './tools.js';

export const ALERT_RULES = 'deploy/prometheus/alerts.yml';
export const DASHBOARDS = 'deploy/grafana/dashboards';

/** Series Prometheus makes itself for every target; no service exposes them. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'ALERTS']);

export interface Query {
  /** Where the query is: the alert's name, or the dashboard file and panel title. */
  source: string;
  expr: string;
}

interface Dashboard {
  panels: Array<{ title: string; targets?: Array<{ expr?: string }> }>;
  templating: { list: Array<{ name: string; definition?: string }> };
}

/** Every PromQL expression of the alert rules and of the dashboards' panels and variables. */
export function monitoringQueries(): Query[] {
  const rules = parse(readFileSync(`${ROOT}${ALERT_RULES}`, 'utf8')) as { groups: Array<{ rules: Array<{ alert: string; expr: string }> }> };
  const queries = rules.groups.flatMap((group) => group.rules.map((rule) => ({ source: `${ALERT_RULES} ${rule.alert}`, expr: rule.expr })));
  for (const file of readdirSync(`${ROOT}${DASHBOARDS}`).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(`${ROOT}${DASHBOARDS}/${file}`, 'utf8')) as Dashboard;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) if (target.expr) queries.push({ source: `${file} "${panel.title}"`, expr: target.expr });
    }
    for (const variable of dashboard.templating.list) {
      // label_values(<selector>, label): the selector is PromQL.
      const selector = variable.definition?.match(/^label_values\((.+),\s*\w+\)$/)?.[1];
      if (selector) queries.push({ source: `${file} variable ${variable.name}`, expr: selector });
    }
  }
  return queries;
}

/**
 * The metric names a query selects, read with Prometheus's own PromQL grammar. Grafana's
 * variables are replaced by values of their kind first. A query that does not parse throws.
 */
export function metricNames(query: Query): string[] {
  const expr = query.expr.replace(/\$__(rate_)?interval/g, '5m').replace(/\$\{?(\w+)\}?/g, 'x');
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`${query.source}: not PromQL at character ${node.from}: ${query.expr}`);
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier) names.push(expr.slice(identifier.from, identifier.to));
    },
  });
  return names.filter((name) => !PROMETHEUS_SERIES.has(name));
}

/**
 * The sample names a /metrics page can carry, from its TYPE lines: a histogram's samples are
 * <name>_bucket, _sum and _count, a summary's <name>, _sum and _count.
 */
export function exposedNames(page: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of page.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    else if (type === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(`${name}${suffix}`);
    else names.add(name!);
  }
  return names;
}
