// Offline validation of Kubernetes objects, strict about unknown fields (the API server prunes or
// rejects them; a misspelt `readinesProbe` would silently leave a pod without a readiness probe).
//
//  - Built-in kinds: kubernetes-models' generated validators (types, required fields, enums,
//    formats) AND its TypeScript interfaces through the compiler: every object is written out as a
//    typed object literal, so TypeScript's excess-property check rejects any field the Kubernetes
//    OpenAPI schema does not declare, at any depth (maps such as labels are index signatures and
//    stay open, as in the schema). The generated validators alone accept unknown fields.
//  - Custom resources: the CRD's openAPIV3Schema compiled with Ajv, with additionalProperties:false
//    added to every object schema that lists properties and says nothing else — except under
//    x-kubernetes-preserve-unknown-fields — which is what a structural schema means.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './ops-tools.js';

export type K8sObject = { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

export const CRD_DIR = path.join(ROOT, 'test/fixtures/crds');
const CRD_FILES = ['postgresql.cnpg.io_clusters.yaml', 'postgresql.cnpg.io_scheduledbackups.yaml', 'monitoring.coreos.com_servicemonitors.yaml'];

/** The built-in kinds these manifests use: apiVersion/kind → kubernetes-models module and interface. */
const BUILT_IN: Record<string, { module: string; type: string }> = {
  'v1/Namespace': { module: 'kubernetes-models/v1/Namespace', type: 'INamespace' },
  'v1/Service': { module: 'kubernetes-models/v1/Service', type: 'IService' },
  'v1/ServiceAccount': { module: 'kubernetes-models/v1/ServiceAccount', type: 'IServiceAccount' },
  'v1/ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1/PersistentVolumeClaim': { module: 'kubernetes-models/v1/PersistentVolumeClaim', type: 'IPersistentVolumeClaim' },
  'v1/Secret': { module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'apps/v1/StatefulSet': { module: 'kubernetes-models/apps/v1/StatefulSet', type: 'IStatefulSet' },
  'batch/v1/Job': { module: 'kubernetes-models/batch/v1/Job', type: 'IJob' },
  'batch/v1/CronJob': { module: 'kubernetes-models/batch/v1/CronJob', type: 'ICronJob' },
  'policy/v1/PodDisruptionBudget': { module: 'kubernetes-models/policy/v1/PodDisruptionBudget', type: 'IPodDisruptionBudget' },
  'autoscaling/v2/HorizontalPodAutoscaler': { module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', type: 'IHorizontalPodAutoscaler' },
  'networking.k8s.io/v1/NetworkPolicy': { module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', type: 'INetworkPolicy' },
  'rbac.authorization.k8s.io/v1/Role': { module: 'kubernetes-models/rbac.authorization.k8s.io/v1/Role', type: 'IRole' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { module: 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding', type: 'IRoleBinding' },
};
const OBJECT_META = { module: '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta', type: 'IIoK8sApimachineryPkgApisMetaV1ObjectMeta' };

/** `kubectl kustomize` is there (any kubectl since 1.14 has it). */
export function kubectlAvailable(): boolean {
  const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
  return r.error === undefined && r.status === 0;
}

/** Renders a kustomization directory (relative to the repository root) into its objects. */
export function kustomize(dir: string): K8sObject[] {
  const r = spawnSync('kubectl', ['kustomize', path.join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr || r.error?.message}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

type JsonSchema = Record<string, unknown>;

/** additionalProperties:false wherever a structural schema lists properties and allows nothing else. */
export function closeSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, closeSchema(v)]));
    } else if (['items', 'additionalProperties', 'not'].includes(key) && value && typeof value === 'object') {
      out[key] = closeSchema(value as JsonSchema);
    } else if (['allOf', 'anyOf', 'oneOf'].includes(key) && Array.isArray(value)) {
      out[key] = value.map((v) => closeSchema(v as JsonSchema));
    } else {
      out[key] = value;
    }
  }
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true || 'additionalProperties' in schema;
  if (schema.properties && !open) out.additionalProperties = false;
  return out;
}

interface CrdVersion {
  validate: ValidateFunction;
}

function loadCrds(): Map<string, CrdVersion> {
  // OpenAPI's `nullable` and the x-kubernetes-* markers are not JSON Schema keywords: not strict.
  // Formats (int32, date-time…) are Kubernetes' own and not what this check is about.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const crds = new Map<string, CrdVersion>();
  for (const file of CRD_FILES) {
    for (const doc of parseAllDocuments(readFileSync(path.join(CRD_DIR, file), 'utf8'))) {
      const crd = doc.toJS() as {
        spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: JsonSchema } }[] };
      } | null;
      if (!crd) continue;
      for (const v of crd.spec.versions.filter((version) => version.served)) {
        crds.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, { validate: ajv.compile(closeSchema(v.schema.openAPIV3Schema)) });
      }
    }
  }
  return crds;
}

let crdCache: Map<string, CrdVersion> | undefined;

/**
 * TypeScript diagnostics of a generated module declaring one typed constant per value: the
 * excess-property check. Returns the problems per index, with the offending text.
 */
function typeCheck(values: { module: string; type: string; value: unknown }[]): Map<number, string[]> {
  const file = path.join(ROOT, 'test/.k8s-manifests.generated.ts');
  const source =
    values.map((v, i) => `import type { ${v.type} as T${i} } from '${v.module}';`).join('\n') +
    '\n' +
    values.map((v, i) => `export const o${i}: T${i} = ${JSON.stringify(v.value)};`).join('\n') +
    '\n';
  const lineOf = (line: number) => line - values.length;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    path.resolve(name) === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  const problems = new Map<number, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (!d.file || path.resolve(d.file.fileName) !== file || d.start === undefined) throw new Error(`type check of the manifests could not run: ${message}`);
    const index = lineOf(d.file.getLineAndCharacterOfPosition(d.start).line);
    if (index < 0) throw new Error(`type check of the manifests could not run: ${message}`);
    problems.set(index, [...(problems.get(index) ?? []), message]);
  }
  return problems;
}

async function generatedValidator(module: string): Promise<((value: unknown) => void) | undefined> {
  const kind = module.split('/').pop()!;
  const mod = (await import(module)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[kind];
  return Model ? (value) => new Model(value).validate() : undefined;
}

/** Problems of each object (empty list: valid), keyed by "Kind/name". Unknown kinds are problems too. */
export async function validateObjects(objects: K8sObject[]): Promise<Map<string, string[]>> {
  crdCache ??= loadCrds();
  const result = new Map<string, string[]>();
  const typed: { key: string; module: string; type: string; value: unknown }[] = [];
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata?.name ?? '?'}`;
    const problems: string[] = [];
    result.set(key, problems);
    const builtIn = BUILT_IN[`${o.apiVersion}/${o.kind}`];
    const crd = crdCache.get(`${o.apiVersion}/${o.kind}`);
    if (builtIn) {
      typed.push({ key, ...builtIn, value: o });
      const validate = await generatedValidator(builtIn.module);
      try {
        validate?.(o);
      } catch (err) {
        problems.push(`schema: ${(err as Error).message}`);
      }
    } else if (crd) {
      if (!crd.validate(o))
        problems.push(
          ...(crd.validate.errors ?? []).map(
            (e) =>
              `schema: ${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
          ),
        );
      // The CRD leaves metadata to the API server: check it against ObjectMeta.
      typed.push({ key, ...OBJECT_META, value: o.metadata ?? {} });
    } else {
      problems.push(`no schema for ${o.apiVersion} ${o.kind}`);
    }
  }
  const typeProblems = typeCheck(typed);
  typed.forEach((t, i) => result.get(t.key)!.push(...(typeProblems.get(i) ?? []).map((p) => `unknown or mistyped field: ${p}`)));
  return result;
}
