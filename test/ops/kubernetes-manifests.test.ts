// deploy/k8s: both overlays (and the prometheus-adapter rules) rendered with `kubectl kustomize`,
// every object validated offline against the Kubernetes OpenAPI types and the vendored CRD schemas
// — unknown fields rejected — and the deployment policy asserted: the brief's HPA, probes,
// resources, non-root read-only pods, NetworkPolicy shape, GPU only in production, no Secret data,
// and only environment variables src/config.ts reads.
// Without kubectl the suite is skipped with a warning — unless REQUIRE_OPS_TOOLS=1 (CI): then it fails.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_NAMES, loadConfig } from '../../src/config.js';
import { QUEUES } from '../../src/queue/queue.js';
import { kubectlAvailable, kustomize, validateObjects, type K8sObject } from '../helpers/k8s-validation.js';
import { ROOT } from '../helpers/ops-tools.js';

const OVERLAYS = ['production', 'small'] as const;
const haveKubectl = kubectlAvailable();
if (!haveKubectl && process.env.REQUIRE_OPS_TOOLS !== '1')
  console.warn('kubectl not found: Kubernetes manifest tests skipped (install kubectl; CI sets REQUIRE_OPS_TOOLS=1)');

// Loose views of the objects, enough for the assertions (the schemas were checked separately).
interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  startupProbe?: { httpGet?: { path: string }; periodSeconds?: number; failureThreshold?: number };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
}
interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  topologySpreadConstraints?: unknown[];
  volumes?: { name: string; secret?: { secretName: string } }[];
}
const podSpecOf = (o: K8sObject): PodSpec | undefined => {
  const spec = o.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } } | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec.template.spec;
};

describe.runIf(haveKubectl || process.env.REQUIRE_OPS_TOOLS === '1')('Kubernetes manifests (deploy/k8s)', () => {
  const rendered: Record<string, K8sObject[]> = {};
  const find = (overlay: string, kind: string, name: string) => {
    const o = rendered[overlay]!.find((x) => x.kind === kind && x.metadata?.name === name);
    if (!o) throw new Error(`${overlay}: no ${kind}/${name}`);
    return o;
  };
  const container = (overlay: string, name: string) => podSpecOf(find(overlay, 'Deployment', name))!.containers[0]!;

  beforeAll(() => {
    expect(haveKubectl, 'kubectl is required (REQUIRE_OPS_TOOLS=1)').toBe(true);
    for (const overlay of OVERLAYS) rendered[overlay] = kustomize(`deploy/k8s/overlays/${overlay}`);
    rendered.adapter = kustomize('deploy/k8s/prometheus-adapter');
  });

  it.each([...OVERLAYS, 'adapter'])('%s: every object is valid against its Kubernetes or CRD schema, with no unknown fields', async (overlay) => {
    const problems = await validateObjects(rendered[overlay]!);
    expect(problems.size).toBeGreaterThan(0);
    expect(Object.fromEntries([...problems].filter(([, p]) => p.length > 0))).toEqual({});
  });

  it('rejects unknown and mistyped fields in built-in objects and in custom resources', async () => {
    const api = structuredClone(find('production', 'Deployment', 'feature-request-api')) as K8sObject & {
      spec: { template: { spec: PodSpec & Record<string, unknown> } };
    };
    (api.spec.template.spec.containers[0] as unknown as Record<string, unknown>).readinesProbe = { httpGet: { path: '/ready', port: 3000 } };
    const hpa = structuredClone(find('production', 'HorizontalPodAutoscaler', 'feature-request-api-hpa')) as K8sObject & { spec: Record<string, unknown> };
    hpa.spec.minReplicas = '5';
    const cluster = structuredClone(find('production', 'Cluster', 'feature-requests-db')) as K8sObject & { spec: { postgresql: Record<string, unknown> } };
    cluster.spec.postgresql.synchronus = { method: 'any', number: 1 };
    const monitor = structuredClone(find('production', 'ServiceMonitor', 'feature-request-api')) as K8sObject & {
      spec: { endpoints: Record<string, unknown>[] };
    };
    monitor.spec.endpoints[0]!.scrapeIntervall = '15s';
    const backup = structuredClone(find('production', 'ScheduledBackup', 'feature-requests-db-daily')) as K8sObject;
    (backup.metadata as Record<string, unknown>).lables = { team: 'platform' };
    const unknownKind = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };

    const problems = await validateObjects([api, hpa, cluster, monitor, backup, unknownKind]);
    expect(problems.get('Deployment/feature-request-api')!.join()).toMatch(/readinesProbe/);
    expect(problems.get('HorizontalPodAutoscaler/feature-request-api-hpa')!.join()).toMatch(/minReplicas|integer|number/);
    expect(problems.get('Cluster/feature-requests-db')!.join()).toMatch(/synchronus/);
    expect(problems.get('ServiceMonitor/feature-request-api')!.join()).toMatch(/scrapeIntervall/);
    expect(problems.get('ScheduledBackup/feature-requests-db-daily')!.join()).toMatch(/lables/);
    expect(problems.get('Widget/w')!.join()).toMatch(/no schema/);
  });

  it('production: the brief’s HPA, exactly', () => {
    const hpa = find('production', 'HorizontalPodAutoscaler', 'feature-request-api-hpa');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'feature-request-api' },
      minReplicas: 5,
      maxReplicas: 50,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Pods', pods: { metric: { name: 'wedding_season_multiplier' }, target: { type: 'AverageValue', averageValue: '1.5' } } },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 60,
          policies: [
            { type: 'Pods', value: 10, periodSeconds: 60 },
            { type: 'Percent', value: 100, periodSeconds: 60 },
          ],
        },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
      },
    });
    // The source file holds the brief's figures literally (the acceptance check greps it).
    const source = readFileSync(path.join(ROOT, 'deploy/k8s/base/api-hpa.yaml'), 'utf8');
    for (const line of ['minReplicas: 5', 'maxReplicas: 50', 'averageUtilization: 70', 'averageUtilization: 80', 'wedding_season_multiplier'])
      expect(source).toContain(line);
  });

  it('small: the same metrics and behaviour with lower bounds', () => {
    const small = find('small', 'HorizontalPodAutoscaler', 'feature-request-api-hpa').spec as Record<string, unknown>;
    const production = find('production', 'HorizontalPodAutoscaler', 'feature-request-api-hpa').spec as Record<string, unknown>;
    expect(small).toEqual({ ...production, minReplicas: 2, maxReplicas: 6 });
  });

  it('prometheus-adapter publishes wedding_season_multiplier per pod, the metric the HPA reads', () => {
    const adapter = rendered.adapter!.find((o) => o.kind === 'ConfigMap')!;
    expect(adapter.metadata?.namespace).toBe('monitoring');
    const config = parse((adapter as unknown as { data: Record<string, string> }).data['config.yaml']!) as {
      rules: { seriesQuery: string; resources: { overrides: Record<string, { resource: string }> }; name: { as: string }; metricsQuery: string }[];
    };
    const rule = config.rules.find((r) => r.name.as === 'wedding_season_multiplier')!;
    expect(rule.seriesQuery).toMatch(/^wedding_season_multiplier\{/);
    expect(rule.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    expect(rule.metricsQuery).toContain('<<.Series>>{<<.LabelMatchers>>}');
    expect(rule.metricsQuery).toContain('by (<<.GroupBy>>)');
  });

  it.each(OVERLAYS)(
    '%s: the API has the brief’s resources, /health liveness, /ready readiness, a startup probe and a drain that fits its grace period',
    (overlay) => {
      const api = container(overlay, 'feature-request-api');
      const pod = podSpecOf(find(overlay, 'Deployment', 'feature-request-api'))!;
      expect(api.resources).toEqual({ requests: { memory: '512Mi', cpu: '250m' }, limits: { memory: '1Gi', cpu: '500m' } });
      expect(api.livenessProbe?.httpGet?.path).toBe('/health');
      expect(api.readinessProbe?.httpGet?.path).toBe('/ready');
      expect(api.startupProbe?.httpGet?.path).toBe('/health');
      expect(api.args).toEqual(['serve']);
      const grace = Number(api.env!.find((e) => e.name === 'SHUTDOWN_GRACE_SECONDS')!.value);
      expect(grace).toBe(loadConfig({}).shutdownGraceSeconds);
      const preStop = api.lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(preStop).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds!).toBeGreaterThan(grace + preStop);
      expect(pod.topologySpreadConstraints?.length).toBeGreaterThan(0);
      expect(find(overlay, 'PodDisruptionBudget', 'feature-request-api').spec).toMatchObject({ selector: { matchLabels: { app: 'feature-request-api' } } });
    },
  );

  it.each(OVERLAYS)('%s: every pod runs as non-root on a read-only root file system with no capabilities', (overlay) => {
    const pods = rendered[overlay]!.map((o) => [o, podSpecOf(o)] as const).filter(([, pod]) => pod);
    expect(pods.length).toBeGreaterThanOrEqual(5);
    for (const [o, pod] of pods) {
      const where = `${o.kind}/${o.metadata?.name}`;
      expect(pod!.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
      for (const c of pod!.containers) {
        expect(pod!.securityContext?.runAsNonRoot ?? c.securityContext?.runAsNonRoot, where).toBe(true);
        expect(c.securityContext?.readOnlyRootFilesystem, where).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(c.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
        expect(c.resources?.requests, where).toBeDefined();
        expect(c.resources?.limits, where).toBeDefined();
      }
    }
  });

  it.each(OVERLAYS)('%s: secrets only by reference; every variable set is one src/config.ts reads', (overlay) => {
    expect(rendered[overlay]!.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of rendered[overlay]!) {
      const pod = podSpecOf(o);
      if (!pod || o.metadata?.name?.startsWith('saturday-prescale')) continue;
      for (const c of pod.containers) {
        expect(c.image, `${o.metadata?.name}`).toMatch(/^wedsync\/feature-request-api:/);
        for (const e of c.env ?? []) {
          expect(ENV_NAMES, `${o.metadata?.name}: ${e.name}`).toContain(e.name);
          // A secret's value never appears inline: it comes from a secretKeyRef or a mounted file.
          if (/URL$|KEY$|TOKEN$|PASSWORD$/.test(e.name) && !e.name.startsWith('PROBE_')) expect(e.value, e.name).toBeUndefined();
        }
        // The settings the container sets are a configuration loadConfig accepts (secrets stand in).
        const env = Object.fromEntries(
          (c.env ?? [])
            .map((e) => [e.name, e.value ?? (e.name === 'DATABASE_URL' ? 'postgresql://app@db/app' : 'redis://cache:6379')] as const)
            .filter(([name]) => !name.endsWith('_FILE')),
        );
        expect(() => loadConfig(env), `${o.metadata?.name}`).not.toThrow();
      }
    }
  });

  it.each(OVERLAYS)('%s: workers take the brief’s settings on queues the code has', (overlay) => {
    for (const name of ['job-queue-processor', 'ai-processing-worker']) {
      const c = container(overlay, name);
      const env = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
      expect(c.args).toEqual(['worker']);
      // Running jobs get SHUTDOWN_GRACE_SECONDS to finish before the kubelet's SIGKILL.
      expect(podSpecOf(find(overlay, 'Deployment', name))!.terminationGracePeriodSeconds!).toBeGreaterThan(Number(env.SHUTDOWN_GRACE_SECONDS));
      expect(env.WEDDING_SEASON_BOOST).toBe('true');
      expect(Number(env.CONCURRENCY)).toBeGreaterThan(0);
      for (const queue of env.QUEUE_NAMES!.split(',')) expect(QUEUES).toContain(queue);
    }
    const processor = container(overlay, 'job-queue-processor');
    expect(processor.env!.find((e) => e.name === 'QUEUE_NAMES')!.value).toMatch(/^duplicate_detection,notification_sending,analytics_processing,ai_analysis/);
    expect(processor.resources).toEqual({ requests: { memory: '512Mi', cpu: '250m' }, limits: { memory: '1Gi', cpu: '500m' } });
  });

  it('the API and the workers share one ReadWriteMany BACKUP_DIR (erasure ledger, logical backups)', () => {
    expect((find('production', 'PersistentVolumeClaim', 'feature-request-backups').spec as { accessModes: string[] }).accessModes).toEqual(['ReadWriteMany']);
    for (const name of ['feature-request-api', 'job-queue-processor', 'ai-processing-worker']) {
      const pod = podSpecOf(find('production', 'Deployment', name))!;
      const volume = pod.volumes!.find(
        (v) => (v as { persistentVolumeClaim?: { claimName: string } }).persistentVolumeClaim?.claimName === 'feature-request-backups',
      );
      expect(volume, name).toBeDefined();
      // Mounted where the image's BACKUP_DIR points (Dockerfile: ENV BACKUP_DIR=/app/backups).
      expect((pod.containers[0] as unknown as { volumeMounts: { name: string; mountPath: string }[] }).volumeMounts).toContainEqual({
        name: volume!.name,
        mountPath: '/app/backups',
      });
    }
    expect(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/BACKUP_DIR=\/app\/backups/);
  });

  it('the GPU only in production, only for the AI worker', () => {
    const gpuUsers = (overlay: string) =>
      rendered[overlay]!.flatMap((o) =>
        (podSpecOf(o)?.containers ?? []).filter((c) => JSON.stringify(c.resources ?? {}).includes('nvidia.com/gpu')).map(() => o.metadata?.name),
      );
    expect(gpuUsers('production')).toEqual(['ai-processing-worker']);
    expect(container('production', 'ai-processing-worker').resources).toEqual({
      requests: { memory: '2Gi', cpu: '1', 'nvidia.com/gpu': 1 },
      limits: { memory: '4Gi', cpu: '2', 'nvidia.com/gpu': 1 },
    });
    expect(gpuUsers('small')).toEqual([]);
  });

  it('PostgreSQL is a CloudNativePG cluster: primary + synchronous standby, WAL to object storage, scheduled backups', () => {
    const cluster = find('production', 'Cluster', 'feature-requests-db').spec as {
      instances: number;
      postgresql: { synchronous: { method: string; number: number } };
      backup: { barmanObjectStore: { destinationPath: string; s3Credentials: Record<string, { name: string }> } };
    };
    expect(cluster.instances).toBe(2);
    expect(cluster.postgresql.synchronous).toMatchObject({ method: 'any', number: 1 });
    expect(cluster.backup.barmanObjectStore.destinationPath).toMatch(/^s3:\/\//);
    expect(find('production', 'ScheduledBackup', 'feature-requests-db-daily').spec).toMatchObject({ cluster: { name: 'feature-requests-db' } });
    // The pods read the Secret the operator generates for the cluster.
    expect(container('production', 'feature-request-api').env!.find((e) => e.name === 'DATABASE_URL')!.valueFrom?.secretKeyRef).toEqual({
      name: 'feature-requests-db-app',
      key: 'uri',
    });
  });

  it('NetworkPolicies: the API takes traffic from the ingress controller, Prometheus and the probes only, and reaches only the database, Redis and DNS', () => {
    type Peer = { namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> }; ipBlock?: unknown };
    type Policy = {
      podSelector: { matchLabels?: Record<string, string> };
      policyTypes: string[];
      ingress?: { from: Peer[] }[];
      egress?: { to: Peer[]; ports: { port: number }[] }[];
    };
    const api = find('production', 'NetworkPolicy', 'feature-request-api').spec as Policy;
    expect(api.podSelector.matchLabels).toEqual({ app: 'feature-request-api' });
    expect(api.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(api.ingress!.flatMap((r) => r.from)).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      { podSelector: { matchLabels: { app: 'job-queue-processor' } } },
    ]);
    const egress = api.egress!.map((r) => ({ to: r.to, ports: r.ports.map((p) => p.port) }));
    expect(egress).toEqual([
      { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'feature-requests-db' } } }], ports: [5432] },
      { to: [{ podSelector: { matchLabels: { app: 'redis-cache' } } }], ports: [6379, 26379] },
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [53, 53],
      },
    ]);
    const workers = find('production', 'NetworkPolicy', 'workers').spec as Policy;
    expect(workers.ingress).toEqual([]);
    expect(workers.egress!.flatMap((r) => r.ports.map((p) => p.port))).toEqual([5432, 6379, 26379, 53, 53]);
  });

  it('the pre-scale CronJobs raise the HPA floor before peak-season Saturdays and may patch nothing else', () => {
    const role = find('production', 'Role', 'hpa-prescaler') as unknown as { rules: unknown[] };
    expect(role.rules).toEqual([
      { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], resourceNames: ['feature-request-api-hpa'], verbs: ['get', 'patch'] },
    ]);
    const binding = find('production', 'RoleBinding', 'hpa-prescaler') as unknown as { subjects: unknown[] };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'hpa-prescaler', namespace: 'feature-requests' }]);
    const floor = (overlay: string, name: string) => {
      const job = find(overlay, 'CronJob', name);
      const c = podSpecOf(job)!.containers[0]!;
      expect(c.args!.slice(0, 3)).toEqual(['patch', 'hpa', 'feature-request-api-hpa']);
      return {
        schedule: (job.spec as { schedule: string }).schedule,
        minReplicas: (JSON.parse(c.args!.at(-1)!) as { spec: { minReplicas: number } }).spec.minReplicas,
      };
    };
    const hpaFloor = (overlay: string) =>
      find(overlay, 'HorizontalPodAutoscaler', 'feature-request-api-hpa').spec as { minReplicas: number; maxReplicas: number };
    // Friday evening in May–October; back to the HPA's own floor early on Sunday.
    expect(floor('production', 'saturday-prescale')).toEqual({ schedule: '0 18 * 5-10 5', minReplicas: 15 });
    expect(floor('production', 'saturday-prescale-end').minReplicas).toBe(hpaFloor('production').minReplicas);
    expect(floor('small', 'saturday-prescale').minReplicas).toBeGreaterThan(hpaFloor('small').minReplicas);
    expect(floor('small', 'saturday-prescale').minReplicas).toBeLessThanOrEqual(hpaFloor('small').maxReplicas);
    expect(floor('small', 'saturday-prescale-end').minReplicas).toBe(hpaFloor('small').minReplicas);
  });

  it('everything lands in the feature-requests namespace', () => {
    for (const overlay of OVERLAYS) {
      for (const o of rendered[overlay]!.filter((x) => x.kind !== 'Namespace'))
        expect(o.metadata?.namespace, `${o.kind}/${o.metadata?.name}`).toBe('feature-requests');
    }
  });
});
