import { beforeAll, describe, expect, it } from '@jest/globals';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { runTool } from './tools.js';

const CHART = 'k8s/helm/kinship';
const PRODUCTION_VALUES = `${CHART}/ci/production-values.yaml`;
const MIGRATED_SERVICES = ['auth', 'crm', 'billing', 'notifications', 'reporting'];

/**
 * The Kubernetes API schemas (OpenAPI, as kubernetes-models compiles them) of every kind the chart
 * renders. kubectl's client-side validation downloads the schemas from a cluster, so it cannot run
 * offline; these are the same schemas, shipped in npm packages. A kind missing here fails the test.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: any;
}

function helm(args: string[]) {
  return runTool('helm', args);
}

function render(...args: string[]): Manifest[] {
  const run = helm(['template', 'kinship', CHART, '--namespace', 'kinship', ...args]);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return parseAllDocuments(run.stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/** Each manifest checked against its kind's schema: the problems, by object. */
function schemaProblems(manifests: Manifest[]): string[] {
  return manifests.flatMap((manifest) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    if (!Model) return [`${manifest.kind} ${manifest.metadata.name}: no schema for ${manifest.apiVersion} ${manifest.kind}`];
    try {
      new Model(manifest as never).validate();
      return [];
    } catch (error) {
      return [`${manifest.kind} ${manifest.metadata.name}: ${(error as Error).message}`];
    }
  });
}

const named = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);

describe('the Helm chart', () => {
  let defaults: Manifest[];
  let production: Manifest[];

  beforeAll(() => {
    defaults = render();
    production = render('--values', PRODUCTION_VALUES);
  });

  it('passes helm lint --strict with the default values and with the production example', () => {
    for (const values of [[], ['--values', PRODUCTION_VALUES]]) {
      const run = helm(['lint', '--strict', CHART, ...values]);
      expect({ values, status: run.status, output: run.stdout + run.stderr }).toMatchObject({ values, status: 0 });
    }
  });

  it('renders only objects that the Kubernetes API schemas accept', () => {
    expect(schemaProblems(defaults)).toEqual([]);
    expect(schemaProblems(production)).toEqual([]);
  });

  it('is checked by schemas that do refuse a wrong object', () => {
    const deployment = structuredClone(named(defaults, 'Deployment')[0]!);
    deployment.spec.replicas = 'two';
    deployment.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    expect(schemaProblems([deployment])).toEqual([expect.stringMatching(/replicas must be integer/)]);
    delete deployment.spec.replicas;
    expect(schemaProblems([deployment])).toEqual([expect.stringMatching(/imagePullPolicy must be equal to one of the allowed values/)]);
  });

  it('renders six Deployments with their Services, and no HPA, Ingress or ServiceMonitor, by default', () => {
    expect(
      named(defaults, 'Deployment')
        .map((manifest) => manifest.metadata.name)
        .sort(),
    ).toEqual(['auth', 'billing', 'crm', 'gateway', 'notifications', 'reporting'].map((name) => `kinship-${name}`));
    expect(named(defaults, 'Service')).toHaveLength(6);
    expect([...named(defaults, 'HorizontalPodAutoscaler'), ...named(defaults, 'Ingress'), ...named(defaults, 'ServiceMonitor')]).toEqual([]);
  });

  it('sets the files limits from global.files: FILES_MAX_BYTES on the gateway, FILES_QUOTA_BYTES and FILES_PURGE_AFTER_DAYS on crm', () => {
    const variables = (manifests: Manifest[], name: string) =>
      Object.fromEntries(
        (
          named(manifests, 'Deployment').find((manifest) => manifest.metadata.name === `kinship-${name}`)!.spec.template.spec.containers[0].env as Array<{
            name: string;
            value?: string;
          }>
        )
          .filter((variable) => variable.name.startsWith('FILES_'))
          .map((variable) => [variable.name, variable.value]),
      );
    expect(variables(defaults, 'gateway')).toEqual({ FILES_MAX_BYTES: '26214400' });
    expect(variables(defaults, 'crm')).toEqual({ FILES_QUOTA_BYTES: '10737418240', FILES_PURGE_AFTER_DAYS: '30' });
    expect(variables(defaults, 'billing')).toEqual({});
    // 50 GiB is past a 32-bit integer, and must not come out in exponent notation.
    const larger = render('--set', 'global.files.quotaBytes=53687091200', '--set', 'global.files.maxBytes=104857600', '--set', 'global.files.purgeAfterDays=7');
    expect(variables(larger, 'gateway')).toEqual({ FILES_MAX_BYTES: '104857600' });
    expect(variables(larger, 'crm')).toEqual({ FILES_QUOTA_BYTES: '53687091200', FILES_PURGE_AFTER_DAYS: '7' });
  });

  it('runs the migrations in a Job hooked before install and upgrade, before any Deployment changes, in order', () => {
    for (const manifests of [defaults, production]) {
      const [job, ...others] = named(manifests, 'Job');
      expect(others).toEqual([]);
      expect(job!.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
      const pod = job!.spec.template.spec;
      const containers = [...(pod.initContainers ?? []), ...pod.containers];
      expect(containers.map((container: { name: string }) => container.name)).toEqual(MIGRATED_SERVICES.map((name) => `migrate-${name}`));
      expect(containers.map((container: { command: string[] }) => container.command.at(-1))).toEqual(
        MIGRATED_SERVICES.map((name) => `services/${name}/dist/migrate.js`),
      );
      // Deployments are ordinary release objects: Helm applies them only after the hook succeeded.
      expect(named(manifests, 'Deployment').filter((deployment) => deployment.metadata.annotations?.['helm.sh/hook'])).toEqual([]);
    }
  });

  describe('with the production example (external PostgreSQL, Redis and NATS; Secrets made beforehand)', () => {
    const env = (manifest: Manifest, container = 0) =>
      manifest.spec.template.spec.containers[container].env as Array<{
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef: { name: string; key: string } };
      }>;
    const deployment = (name: string) => named(production, 'Deployment').find((manifest) => manifest.metadata.name === `kinship-${name}`)!;

    it('takes every credential from the existing Secrets and never puts one in plain values', () => {
      for (const manifest of named(production, 'Deployment')) {
        const variables = env(manifest);
        expect(variables.find((variable) => variable.name === 'REDIS_URL')).toEqual({
          name: 'REDIS_URL',
          valueFrom: { secretKeyRef: { name: 'kinship-redis', key: 'url' } },
        });
        expect(variables.find((variable) => variable.name === 'NATS_URL')?.value).toMatch(/^nats:\/\/nats-0\.nats\.messaging\.svc:4222,/);
        for (const variable of variables) {
          if (/SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL|SMTP_URL/.test(variable.name)) expect(variable.valueFrom?.secretKeyRef).toBeDefined();
        }
      }
      expect(env(deployment('crm')).find((variable) => variable.name === 'DATABASE_URL')).toEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'kinship-credentials', key: 'CRM_DATABASE_URL' } },
      });
      const job = named(production, 'Job')[0]!;
      const crmMigration = job.spec.template.spec.initContainers.find((container: { name: string }) => container.name === 'migrate-crm');
      expect(crmMigration.env).toContainEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'kinship-credentials', key: 'CRM_MIGRATION_DATABASE_URL' } },
      });
    });

    it('serves the API through an Ingress with TLS', () => {
      const [ingress, ...others] = named(production, 'Ingress');
      expect(others).toEqual([]);
      expect(ingress!.spec).toMatchObject({
        ingressClassName: 'nginx',
        tls: [{ secretName: 'kinship-api-tls', hosts: ['api.example.com'] }],
        rules: [{ host: 'api.example.com' }],
      });
      expect(ingress!.spec.rules[0].http.paths.map((path: { path: string }) => path.path)).toEqual(['/api', '/docs', '/docs-json']);
    });

    it('autoscales the services that ask for it, leaving their replica count to the HPA', () => {
      const autoscaled = named(production, 'HorizontalPodAutoscaler')
        .map((hpa) => hpa.spec.scaleTargetRef.name)
        .sort();
      expect(autoscaled).toEqual(['kinship-crm', 'kinship-gateway', 'kinship-notifications']);
      for (const name of autoscaled) {
        expect(named(production, 'Deployment').find((manifest) => manifest.metadata.name === name)!.spec.replicas).toBeUndefined();
      }
      expect(deployment('auth').spec.replicas).toBe(2);
    });

    it('has Prometheus scrape every service with a ServiceMonitor carrying the selector label', () => {
      const monitors = named(production, 'ServiceMonitor');
      expect(monitors).toHaveLength(6);
      for (const monitor of monitors) {
        expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
        expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics', interval: '30s' })]);
      }
    });
  });

  describe('values.schema.json', () => {
    const refusal = (...set: string[]) => {
      const run = helm(['template', 'kinship', CHART, ...set.flatMap((value) => ['--set', value])]);
      return { status: run.status, stderr: run.stderr };
    };

    it.each([
      ['replicas "two"', 'crm.replicas=two', '- crm.replicas: Invalid type. Expected: integer, given: string'],
      [
        'an unknown image pull policy',
        'global.image.pullPolicy=Sometimes',
        '- global.image.pullPolicy: global.image.pullPolicy must be one of the following: "Always", "IfNotPresent", "Never"',
      ],
      ['an unknown key in a service block', 'crm.replica=3', '- crm: Additional property replica is not allowed'],
      ['a Redis URL that is not redis://', 'global.env.REDIS_URL=http://redis:6379', "- global.env.REDIS_URL: Does not match pattern '^rediss?://\\S+$'"],
      ['a port below 1024', 'gateway.port=80', '- gateway.port: Must be greater than or equal to 1024'],
      ['a negative file quota', 'global.files.quotaBytes=-1', '- global.files.quotaBytes: Must be greater than or equal to 0'],
      ['a CPU quantity that is not one', 'crm.resources.requests.cpu=lots', '- crm.resources.requests.cpu: Does not match pattern'],
    ])('refuses %s, naming the value', (_case, value, message) => {
      const run = refusal(value);
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain("values don't meet the specifications of the schema");
      expect(run.stderr).toContain(message);
    });
  });
});
