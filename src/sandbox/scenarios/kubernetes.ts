// Scenarios of the kubernetes provider. One owner: whoever owns the kubernetes checks.
// Live ones start the loopback API server with a cluster's objects and write a kubeconfig for it; manifest
// ones lay the documentation's YAML (or a broken variant) out as files and run `--manifests … --offline`,
// which opens no socket at all. Secret values are canaries: the e2e tests grep every output for them.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Scenario, ScenarioExpectation, ScenarioOptions } from '../scenario.js'
import { startKubeSim, type KubeSimState, type RawObject } from '../kubernetes.js'

const NS = 'expanso-system'
const CANARY = {
  kafkaUsername: 'CANARY-k8s-kafka-username-2a7c1',
  kafkaPassword: 'CANARY-k8s-kafka-password-90d4e',
  apiToken: 'CANARY-k8s-api-token-5be03',
  token: 'CANARY-k8s-bearer-token-c41f9d',
} as const
export const KUBERNETES_CANARIES: readonly string[] = Object.values(CANARY)

const H = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const b64 = (s: string) => Buffer.from(s).toString('base64')
const P = 'vault.hashicorp.com/'
const ROLE_ARN = 'arn:aws:iam::123456789012:role/expanso-edge'
const AZURE_CLIENT = '0b6f8c3e-6a3e-4b9e-9f1a-3c2d1e0f9a8b'

// ---------------------------------------------------------------------------------------------------------
// Object builders (the API's JSON shapes: managedFields times, container start times, conditions)

const managed = (at: number, fields: Record<string, unknown>) => [
  {
    manager: 'kubectl',
    operation: 'Update',
    apiVersion: 'v1',
    time: iso(at),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  },
]

function serviceAccount(name: string, annotations: Record<string, string>, changedAt: number): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace: NS,
      creationTimestamp: iso(changedAt - 24 * H),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      managedFields: managed(changedAt, {
        'f:metadata': {
          'f:annotations': Object.fromEntries(Object.keys(annotations).map((k) => [`f:${k}`, {}])),
        },
      }),
    },
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PodSpec = any

function deployment(
  podSpec: PodSpec,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'expanso-edge',
      namespace: NS,
      creationTimestamp: '2026-01-05T00:00:00Z',
      generation: 3,
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'expanso-edge' } },
      template: {
        metadata: {
          labels: { app: 'expanso-edge', ...meta.labels },
          ...(meta.annotations ? { annotations: meta.annotations } : {}),
        },
        spec: podSpec,
      },
    },
    status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
  } satisfies RawObject
}

/** The pods the ReplicaSet made (and the injector mutated, when `extra` names its containers). */
function pods(
  dep: RawObject,
  startedAt: number,
  extra: { containers?: PodSpec[]; initContainers?: PodSpec[] } = {},
) {
  return ['x2k4p', 'q8m3n'].map((suffix) => {
    const t = dep.spec.template
    const spec = { ...t.spec, containers: [...t.spec.containers, ...(extra.containers ?? [])] }
    if (extra.initContainers || t.spec.initContainers)
      spec.initContainers = [...(t.spec.initContainers ?? []), ...(extra.initContainers ?? [])]
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `expanso-edge-7d9c5b7f8d-${suffix}`,
        namespace: NS,
        labels: { ...t.metadata.labels, 'pod-template-hash': '7d9c5b7f8d' },
        ...(t.metadata.annotations ? { annotations: t.metadata.annotations } : {}),
        creationTimestamp: iso(startedAt),
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'expanso-edge-7d9c5b7f8d', controller: true },
        ],
      },
      spec,
      status: {
        phase: 'Running',
        startTime: iso(startedAt),
        containerStatuses: spec.containers.map((c: { name: string }) => ({
          name: c.name,
          ready: true,
          restartCount: 0,
          state: { running: { startedAt: iso(startedAt) } },
        })),
      },
    } satisfies RawObject
  })
}

function secret(name: string, changedAt: number): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: NS,
      creationTimestamp: iso(changedAt - 48 * H),
      managedFields: managed(changedAt, {
        'f:data': { 'f:KAFKA_USERNAME': {}, 'f:KAFKA_PASSWORD': {}, 'f:API_TOKEN': {} },
      }),
    },
    type: 'Opaque',
    data: {
      KAFKA_USERNAME: b64(CANARY.kafkaUsername),
      KAFKA_PASSWORD: b64(CANARY.kafkaPassword),
      API_TOKEN: b64(CANARY.apiToken),
    },
  }
}

const awsStore = (ready = true): RawObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'aws-secrets-manager', namespace: NS },
  spec: {
    provider: {
      aws: {
        service: 'SecretsManager',
        region: 'us-east-1',
        auth: { jwt: { serviceAccountRef: { name: 'expanso-edge' } } },
      },
    },
  },
  status: {
    capabilities: 'ReadOnly',
    conditions: [
      ready
        ? {
            type: 'Ready',
            status: 'True',
            reason: 'Valid',
            message: 'store validated',
            lastTransitionTime: '2026-11-20T09:59:00Z',
          }
        : {
            type: 'Ready',
            status: 'False',
            reason: 'InvalidProviderConfig',
            message: 'unable to create client',
            lastTransitionTime: '2026-11-20T09:59:00Z',
          },
    ],
  },
})

function externalSecret(
  refreshInterval: string,
  syncedAt: number,
  error?: string,
  appliedAs = 'external-secrets.io/v1',
): RawObject {
  const applied = JSON.stringify({
    apiVersion: appliedAs,
    kind: 'ExternalSecret',
    metadata: { name: 'pipeline-credentials', namespace: NS },
  })
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: {
      name: 'pipeline-credentials',
      namespace: NS,
      generation: 1,
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied },
    },
    spec: {
      refreshInterval,
      secretStoreRef: { name: 'aws-secrets-manager', kind: 'SecretStore' },
      target: { name: 'pipeline-credentials', creationPolicy: 'Owner' },
      data: ['KAFKA_USERNAME', 'KAFKA_PASSWORD', 'API_TOKEN'].map((k) => ({
        secretKey: k,
        remoteRef: { key: 'expanso/pipeline/credentials', property: k.toLowerCase() },
      })),
    },
    status: error
      ? {
          refreshTime: null,
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'SecretSyncedError',
              message: error,
              lastTransitionTime: iso(syncedAt),
            },
          ],
        }
      : {
          refreshTime: iso(syncedAt),
          syncedResourceVersion: '1-7c1e0d0e8d5f3f0b2c3b8f2c1a0e9d8c',
          binding: { name: 'pipeline-credentials' },
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'SecretSynced',
              message: 'secret synced',
              lastTransitionTime: iso(syncedAt),
            },
          ],
        },
  }
}

const objectsYaml = (names: string[]) =>
  `array:\n${names.map((n) => `  - |\n    objectName: ${n}\n    objectType: secret\n`).join('')}`

function spc(syncFrom: string[], params: Record<string, string> = { clientID: AZURE_CLIENT }): RawObject {
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name: 'expanso-azure-keyvault', namespace: NS },
    spec: {
      provider: 'azure',
      parameters: {
        ...params,
        keyvaultName: 'expanso-secrets',
        cloudName: 'AzurePublicCloud',
        objects: objectsYaml(['kafka-username', 'kafka-password', 'api-token']),
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      },
      secretObjects: [
        {
          secretName: 'pipeline-credentials',
          type: 'Opaque',
          data: syncFrom.map((o, i) => ({
            objectName: o,
            key: ['KAFKA_USERNAME', 'KAFKA_PASSWORD', 'API_TOKEN'][i],
          })),
        },
      ],
    },
  }
}

const csiDriver: RawObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'CSIDriver',
  metadata: { name: 'secrets-store.csi.k8s.io' },
  spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Ephemeral'] },
}

const injectorWebhook: RawObject = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {
    name: 'vault-agent-injector-cfg',
    labels: { 'app.kubernetes.io/name': 'vault-agent-injector' },
  },
  webhooks: [
    {
      name: 'vault.hashicorp.com',
      clientConfig: {
        service: { namespace: 'vault', name: 'vault-agent-injector-svc', path: '/mutate', port: 443 },
        caBundle: b64('sandbox-ca'),
      },
      rules: [
        { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' },
      ],
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      admissionReviewVersions: ['v1', 'v1beta1'],
    },
  ],
}

// The documentation's pod specs.
const INJECTOR_ANNOTATIONS = {
  [`${P}agent-inject`]: 'true',
  [`${P}agent-inject-secret-pipeline.env`]: 'secret/data/expanso/pipeline',
  [`${P}agent-inject-template-pipeline.env`]:
    '{{- with secret "secret/data/expanso/pipeline" -}}\nexport KAFKA_USERNAME="{{ .Data.data.kafka_username }}"\n{{- end }}\n',
  [`${P}role`]: 'expanso-edge',
}
const injectorSpec = {
  serviceAccountName: 'expanso-edge',
  containers: [
    {
      name: 'expanso-edge',
      image: 'ghcr.io/expanso-io/expanso-edge:latest',
      command: [
        '/bin/sh',
        '-c',
        'source /vault/secrets/pipeline.env\nexpanso-edge run --config /etc/expanso/pipeline.yaml\n',
      ],
      volumeMounts: [{ name: 'pipeline-config', mountPath: '/etc/expanso', readOnly: true }],
    },
  ],
  volumes: [{ name: 'pipeline-config', configMap: { name: 'expanso-pipeline' } }],
}
const gcpSpec = {
  serviceAccountName: 'expanso-edge',
  initContainers: [
    {
      name: 'fetch-secrets',
      image: 'google/cloud-sdk:slim',
      command: [
        '/bin/bash',
        '-c',
        'gcloud secrets versions access latest --secret=expanso-pipeline-credentials --format=json > /secrets/credentials.json\n',
      ],
      volumeMounts: [{ name: 'secrets', mountPath: '/secrets' }],
    },
  ],
  containers: [
    {
      name: 'expanso-edge',
      image: 'ghcr.io/expanso-io/expanso-edge:latest',
      command: [
        '/bin/sh',
        '-c',
        'set -a\nsource /secrets/pipeline.env\nset +a\nexpanso-edge run --config /etc/expanso/pipeline.yaml\n',
      ],
      volumeMounts: [{ name: 'secrets', mountPath: '/secrets', readOnly: true }],
    },
  ],
  volumes: [{ name: 'secrets', emptyDir: { medium: 'Memory' } }],
}
const envFromSpec = (csi: boolean) => ({
  serviceAccountName: 'expanso-edge',
  containers: [
    {
      name: 'expanso-edge',
      image: 'ghcr.io/expanso-io/expanso-edge:latest',
      envFrom: [{ secretRef: { name: 'pipeline-credentials' } }],
      ...(csi
        ? { volumeMounts: [{ name: 'secrets-store', mountPath: '/mnt/secrets-store', readOnly: true }] }
        : {}),
    },
  ],
  ...(csi
    ? {
        volumes: [
          {
            name: 'secrets-store',
            csi: {
              driver: 'secrets-store.csi.k8s.io',
              readOnly: true,
              volumeAttributes: { secretProviderClass: 'expanso-azure-keyvault' },
            },
          },
        ],
      }
    : {}),
})
const RELOADER = { 'reloader.stakater.com/auto': 'true' }
/** The agent calling a cloud itself: no operator, no sidecar, no credential in its spec. */
const bareAgentSpec = {
  serviceAccountName: 'expanso-edge',
  containers: [
    {
      name: 'expanso-edge',
      image: 'ghcr.io/expanso-io/expanso-edge:latest',
      args: ['run', '--config', '/etc/expanso/pipeline.yaml'],
      volumeMounts: [{ name: 'pipeline-config', mountPath: '/etc/expanso', readOnly: true }],
    },
  ],
  volumes: [{ name: 'pipeline-config', configMap: { name: 'expanso-pipeline' } }],
}

const bareAgentCluster =
  (env: { name: string; value: string }[] = []) =>
  (now: number) => {
    const spec = env.length
      ? { ...bareAgentSpec, containers: bareAgentSpec.containers.map((c) => ({ ...c, env })) }
      : bareAgentSpec
    const dep = deployment(spec)
    return [serviceAccount('expanso-edge', {}, now - 72 * H), dep, ...pods(dep, now - 2 * H)]
  }

// ---------------------------------------------------------------------------------------------------------
// Live scenarios

interface LiveSpec {
  readonly name: string
  readonly options?: ScenarioOptions
  readonly description: string
  readonly objects: (now: number) => RawObject[]
  readonly state?: Partial<KubeSimState>
  /** Accept connections, never answer. */
  readonly blackHole?: boolean
  readonly expect?: Readonly<Record<string, ScenarioExpectation>>
  readonly exitCode: 0 | 1 | 2 | 3
  /** More of the doctor config than the kubernetes section (a cloud it sets up). */
  readonly config?: Readonly<Record<string, unknown>>
}

function liveScenario(spec: LiveSpec): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    providers: ['kubernetes'],
    expect: spec.expect ?? {},
    exitCode: spec.exitCode,
    async setup(dir) {
      const sim = await startKubeSim({
        token: CANARY.token,
        ...spec.state,
        objects: spec.objects(Date.now()),
      })
      if (spec.blackHole) sim.server.knobs.blackHole = true
      const kubeconfig = join(dir, 'kubeconfig')
      await writeFile(kubeconfig, sim.kubeconfig({ namespace: NS }), { mode: 0o600 })
      return {
        config: { ...spec.config, kubernetes: { kubeconfig, namespace: NS, deployment: 'expanso-edge' } },
        env: { NO_PROXY: '127.0.0.1,localhost' },
        options: spec.options ?? { timeout: '10s' },
        requestLog: () => sim.server.requests.map((r) => ({ ...r, server: 'kubernetes' })),
        stop: () => sim.close(),
      }
    },
  }
}

const injectorCluster = (annotations: Record<string, string>) => (now: number) => {
  const dep = deployment(injectorSpec, { annotations })
  return [
    serviceAccount('expanso-edge', {}, now - 72 * H),
    dep,
    ...pods(dep, now - 2 * H, {
      containers: [{ name: 'vault-agent', image: 'hashicorp/vault:1.17' }],
      initContainers: [{ name: 'vault-agent-init', image: 'hashicorp/vault:1.17' }],
    }),
    injectorWebhook,
  ]
}

const esoCluster =
  (
    o: {
      refresh?: string
      irsa?: boolean
      error?: string
      secretAt?: number
      podsAt?: number
      reloader?: boolean
      appliedAs?: string
    } = {},
  ) =>
  (now: number) => {
    const dep = deployment(envFromSpec(false), { annotations: o.reloader === false ? undefined : RELOADER })
    const secretAt = now - (o.secretAt ?? 3) * H
    return [
      serviceAccount(
        'expanso-edge',
        o.irsa === false ? {} : { 'eks.amazonaws.com/role-arn': ROLE_ARN },
        now - 72 * H,
      ),
      awsStore(),
      externalSecret(o.refresh ?? '1h', now - 20 * 60_000, o.error, o.appliedAs),
      ...(o.error ? [] : [secret('pipeline-credentials', secretAt)]),
      dep,
      ...pods(dep, now - (o.podsAt ?? 2) * H),
    ]
  }

const csiCluster =
  (o: { syncFrom?: string[]; mount?: boolean; secret?: boolean } = {}) =>
  (now: number) => {
    const dep = deployment(envFromSpec(o.mount !== false), {
      labels: { 'azure.workload.identity/use': 'true' },
      annotations: RELOADER,
    })
    return [
      serviceAccount('expanso-edge', { 'azure.workload.identity/client-id': AZURE_CLIENT }, now - 72 * H),
      spc(o.syncFrom ?? ['kafka-username', 'kafka-password', 'api-token']),
      csiDriver,
      ...(o.secret === false ? [] : [secret('pipeline-credentials', now - 3 * H)]),
      dep,
      ...pods(dep, now - 2 * H),
    ]
  }

const gcpCluster = (annotation: string) => (now: number) => {
  const dep = deployment(gcpSpec)
  return [
    serviceAccount('expanso-edge', { 'iam.gke.io/gcp-service-account': annotation }, now - 72 * H),
    dep,
    ...pods(dep, now - 2 * H),
  ]
}

const INIT_ONLY: ScenarioExpectation = {
  status: 'warn',
  finding: 'init-only',
  remedies: ['latency.use-sidecar', 'refresh.verify-restarts', 'latency.cache-locally'],
}
const dependencyFailed: ScenarioExpectation = { status: 'skip', skipReason: 'dependency-failed' }
const DEPENDENTS = [
  'k8s.service-account',
  'k8s.sa-annotations',
  'k8s.vault-injector',
  'k8s.external-secret',
  'k8s.refresh-interval',
  'k8s.target-secret',
  'k8s.csi-driver',
  'k8s.secret-provider-class',
  'k8s.secrets-volume-tmpfs',
  'k8s.stale-env',
  'k8s.init-vs-sidecar',
]

const live: Scenario[] = [
  liveScenario({
    name: 'k8s-injector-healthy',
    description: 'Vault Agent Injector as in the documentation: annotations, webhook, injected pods',
    objects: injectorCluster(INJECTOR_ANNOTATIONS),
    exitCode: 0,
  }),
  liveScenario({
    name: 'k8s-eso-healthy',
    description:
      'External Secrets Operator with IRSA: store and ExternalSecret Ready, Secret synced, Reloader restarts pods',
    objects: esoCluster(),
    exitCode: 0,
  }),
  liveScenario({
    name: 'k8s-csi-healthy',
    description: 'Secrets Store CSI driver with Azure workload identity: class mounted, Secret synced',
    objects: csiCluster(),
    exitCode: 0,
  }),
  liveScenario({
    name: 'k8s-eso-refresh-zero',
    description: 'refreshInterval "0": ESO fetched the secret once and will never refresh it',
    objects: esoCluster({ refresh: '0' }),
    expect: {
      'k8s.refresh-interval': {
        status: 'fail',
        finding: 'never',
        remedies: ['refresh.check-interval'],
      },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-eso-sync-error',
    description: 'the ExternalSecret is SecretSyncedError and its target Secret was never created',
    objects: esoCluster({ error: 'could not get secret data from provider' }),
    expect: {
      'k8s.external-secret': {
        status: 'fail',
        finding: 'not-ready',
        remedies: ['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'],
      },
      'k8s.target-secret': { status: 'fail', finding: 'missing', remedies: ['auth.confirm-secret-paths'] },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-irsa-annotation-missing',
    description: 'the SecretStore logs in as a ServiceAccount without eks.amazonaws.com/role-arn',
    objects: esoCluster({
      irsa: false,
      error: 'an IAM role must be associated with service account expanso-edge (namespace: expanso-system)',
    }),
    expect: {
      'k8s.sa-annotations': {
        status: 'fail',
        finding: 'irsa-missing',
        remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
      },
      'k8s.external-secret': {
        status: 'fail',
        finding: 'not-ready',
        remedies: ['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'],
      },
      'k8s.target-secret': { status: 'fail', finding: 'missing', remedies: ['auth.confirm-secret-paths'] },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-gke-annotation-malformed',
    description: 'the GKE annotation is the garbled address from the text copy of the documentation',
    objects: gcpCluster('expanso-edge@my-project.iam'),
    expect: {
      'k8s.sa-annotations': {
        status: 'fail',
        finding: 'gke-malformed',
        remedies: ['auth.check-sa-annotations'],
      },
      'k8s.init-vs-sidecar': INIT_ONLY,
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-csi-object-mismatch',
    description:
      'secretObjects names kafka_username, the class fetches kafka-username: the Secret never syncs',
    objects: csiCluster({ syncFrom: ['kafka_username', 'kafka-password', 'api-token'], secret: false }),
    expect: {
      'k8s.secret-provider-class': {
        status: 'fail',
        finding: 'object-not-fetched',
        remedies: ['k8s.fix-secret-provider-class', 'auth.confirm-secret-paths'],
      },
      'k8s.target-secret': { status: 'fail', finding: 'missing', remedies: ['auth.confirm-secret-paths'] },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-csi-not-mounted',
    description: 'the pod takes the synced Secret through envFrom but never mounts the CSI volume',
    objects: csiCluster({ mount: false, secret: false }),
    expect: {
      'k8s.secret-provider-class': {
        status: 'fail',
        finding: 'not-mounted',
        remedies: ['k8s.mount-csi-volume'],
      },
      'k8s.target-secret': { status: 'fail', finding: 'missing', remedies: ['auth.confirm-secret-paths'] },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-injector-name-mismatch',
    description:
      'agent-inject-secret-pipeline-env vs agent-inject-template-pipeline.env: the file is never rendered',
    objects: injectorCluster({
      [`${P}agent-inject`]: 'true',
      [`${P}agent-inject-secret-pipeline-env`]: 'secret/data/expanso/pipeline',
      [`${P}agent-inject-template-pipeline.env`]: INJECTOR_ANNOTATIONS[
        `${P}agent-inject-template-pipeline.env`
      ] as string,
      [`${P}role`]: 'expanso-edge',
    }),
    expect: {
      'k8s.vault-injector': {
        status: 'fail',
        finding: 'file-not-rendered',
        remedies: ['k8s.fix-injector-annotations', 'auth.confirm-secret-paths'],
      },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-env-older-than-secret',
    description: 'ESO rotated the Secret an hour ago; the pods read it through envFrom three hours ago',
    objects: esoCluster({ secretAt: 1, podsAt: 3, reloader: false }),
    expect: {
      'k8s.stale-env': {
        status: 'fail',
        finding: 'stale',
        remedies: ['refresh.restart-agent', 'refresh.verify-restarts', 'k8s.reload-on-change'],
      },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-init-container-only',
    description: "the documentation's GKE deployment: secrets fetched once by a gcloud init container",
    objects: gcpCluster('expanso-edge@my-project.iam.gserviceaccount.com'),
    expect: { 'k8s.init-vs-sidecar': INIT_ONLY },
    exitCode: 0,
  }),
  liveScenario({
    name: 'k8s-rbac-forbidden',
    description: 'the doctor’s identity may not list pods or deployments: one finding, the rest skipped',
    objects: injectorCluster(INJECTOR_ANNOTATIONS),
    state: { deny: ['list pods', 'list deployments'] },
    expect: {
      'k8s.access': { status: 'fail', finding: 'forbidden', remedies: ['k8s.grant-read-rbac'] },
      ...Object.fromEntries(DEPENDENTS.map((id) => [id, dependencyFailed])),
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-irsa-no-other-credentials',
    description:
      'the agent calls AWS itself, its ServiceAccount has no IRSA annotation, and its running pods get no credentials any other way',
    objects: bareAgentCluster(),
    config: { aws: { region: 'us-east-1' } },
    expect: {
      'k8s.sa-annotations': {
        status: 'fail',
        finding: 'irsa-missing',
        remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
      },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-eks-pod-identity',
    description:
      'no IRSA annotation, but the running pods get credentials from EKS Pod Identity: nothing to fix',
    objects: bareAgentCluster([
      { name: 'AWS_CONTAINER_CREDENTIALS_FULL_URI', value: 'http://169.254.170.23/v1/credentials' },
      {
        name: 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
        value: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token',
      },
    ]),
    config: { aws: { region: 'us-east-1' } },
    exitCode: 0,
  }),
  liveScenario({
    name: 'k8s-eso-applied-v1beta1',
    description:
      'the ExternalSecret was applied as external-secrets.io/v1beta1; API discovery says the cluster serves only v1',
    objects: esoCluster({ appliedAs: 'external-secrets.io/v1beta1' }),
    expect: {
      'k8s.external-secret': {
        status: 'fail',
        finding: 'v1beta1-not-served',
        remedies: ['k8s.migrate-eso-v1'],
      },
    },
    exitCode: 1,
  }),
  liveScenario({
    name: 'k8s-api-unreachable',
    description: 'the API server accepts connections and never answers: one timeout, not a hang',
    objects: injectorCluster(INJECTOR_ANNOTATIONS),
    blackHole: true,
    options: { timeout: '8s', deadline: '20s' },
    expect: {
      'k8s.access': { status: 'fail', finding: 'unreachable', remedies: ['k8s.check-kubeconfig'] },
      ...Object.fromEntries(DEPENDENTS.map((id) => [id, dependencyFailed])),
    },
    exitCode: 1,
  }),
]

// ---------------------------------------------------------------------------------------------------------
// Manifest scenarios: the documentation's YAML as files, and broken variants of it.

export const DOC_MANIFESTS = {
  'vault-injector': {
    'serviceaccount.yaml':
      'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: expanso-edge\n  namespace: expanso-system\n',
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: expanso-edge
  namespace: expanso-system
spec:
  replicas: 1
  selector:
    matchLabels:
      app: expanso-edge
  template:
    metadata:
      labels:
        app: expanso-edge
      annotations:
        vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/agent-inject-secret-pipeline.env: "secret/data/expanso/pipeline"
        vault.hashicorp.com/agent-inject-template-pipeline.env: |
          {{- with secret "secret/data/expanso/pipeline" -}}
          export KAFKA_USERNAME="{{ .Data.data.kafka_username }}"
          export KAFKA_PASSWORD="{{ .Data.data.kafka_password }}"
          export API_TOKEN="{{ .Data.data.api_token }}"
          {{- end }}
        vault.hashicorp.com/role: "expanso-edge"
    spec:
      serviceAccountName: expanso-edge
      containers:
        - name: expanso-edge
          image: ghcr.io/expanso-io/expanso-edge:latest
          command:
            - /bin/sh
            - -c
            - |
              source /vault/secrets/pipeline.env
              expanso-edge run --config /etc/expanso/pipeline.yaml
          volumeMounts:
            - name: pipeline-config
              mountPath: /etc/expanso
              readOnly: true
      volumes:
        - name: pipeline-config
          configMap:
            name: expanso-pipeline
`,
  },
  'aws-eso': {
    'secretstore.yaml': `apiVersion: external-secrets.io/v1beta1
kind: SecretStore
metadata:
  name: aws-secrets-manager
  namespace: expanso-system
spec:
  provider:
    aws:
      service: SecretsManager
      region: us-east-1
      auth:
        jwt:
          serviceAccountRef:
            name: expanso-edge
`,
    'externalsecret.yaml': `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: pipeline-credentials
  namespace: expanso-system
spec:
  refreshInterval: 1h # Refresh every hour
  secretStoreRef:
    name: aws-secrets-manager
    kind: SecretStore
  target:
    name: pipeline-credentials
    creationPolicy: Owner
  data:
    - secretKey: KAFKA_USERNAME
      remoteRef:
        key: expanso/pipeline/credentials
        property: kafka_username
    - secretKey: KAFKA_PASSWORD
      remoteRef:
        key: expanso/pipeline/credentials
        property: kafka_password
    - secretKey: API_TOKEN
      remoteRef:
        key: expanso/pipeline/credentials
        property: api_token
`,
  },
  gcp: {
    'serviceaccount.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: expanso-edge
  namespace: expanso-system
  annotations:
    iam.gke.io/gcp-service-account: expanso-edge@my-project.iam.gserviceaccount.com
`,
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: expanso-edge
  namespace: expanso-system
spec:
  template:
    spec:
      serviceAccountName: expanso-edge
      initContainers:
        - name: fetch-secrets
          image: google/cloud-sdk:slim
          command:
            - /bin/bash
            - -c
            - |
              gcloud secrets versions access latest \\
                --secret=expanso-pipeline-credentials \\
                --format=json > /secrets/credentials.json
              chmod 600 /secrets/pipeline.env
          volumeMounts:
            - name: secrets
              mountPath: /secrets
      containers:
        - name: expanso-edge
          image: ghcr.io/expanso-io/expanso-edge:latest
          command:
            - /bin/sh
            - -c
            - |
              set -a
              source /secrets/pipeline.env
              set +a
              expanso-edge run --config /etc/expanso/pipeline.yaml
          volumeMounts:
            - name: secrets
              mountPath: /secrets
              readOnly: true
      volumes:
        - name: secrets
          emptyDir:
            medium: Memory # Use tmpfs for security
`,
  },
  'azure-csi': {
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: expanso-edge
  namespace: expanso-system
spec:
  template:
    spec:
      containers:
        - name: expanso-edge
          image: ghcr.io/expanso-io/expanso-edge:latest
          envFrom:
            - secretRef:
                name: pipeline-credentials
          volumeMounts:
            - name: secrets-store
              mountPath: "/mnt/secrets-store"
              readOnly: true
      volumes:
        - name: secrets-store
          csi:
            driver: secrets-store.csi.k8s.io
            readOnly: true
            volumeAttributes:
              secretProviderClass: "expanso-azure-keyvault"
`,
    'secretproviderclass.yaml': `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: expanso-azure-keyvault
  namespace: expanso-system
spec:
  provider: azure
  parameters:
    usePodIdentity: "true"
    keyvaultName: "expanso-secrets"
    cloudName: "AzurePublicCloud"
    objects: |
      array:
        - |
          objectName: kafka-username
          objectType: secret
        - |
          objectName: kafka-password
          objectType: secret
        - |
          objectName: api-token
          objectType: secret
    tenantId: "your-tenant-id"
  secretObjects:
    - secretName: pipeline-credentials
      type: Opaque
      data:
        - objectName: kafka-username
          key: KAFKA_USERNAME
        - objectName: kafka-password
          key: KAFKA_PASSWORD
        - objectName: api-token
          key: API_TOKEN
`,
  },
} as const

type Files = Readonly<Record<string, string>>

interface ManifestSpec {
  readonly name: string
  readonly description: string
  readonly files: Files
  readonly expect?: Readonly<Record<string, ScenarioExpectation>>
  readonly exitCode: 0 | 1 | 2 | 3
}

function manifestScenario(spec: ManifestSpec): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    providers: ['kubernetes'],
    expect: spec.expect ?? {},
    exitCode: spec.exitCode,
    async setup(dir) {
      const folder = join(dir, 'manifests')
      await mkdir(folder, { recursive: true })
      for (const [file, text] of Object.entries(spec.files)) await writeFile(join(folder, file), text)
      return {
        config: { kubernetes: { namespace: NS } },
        env: {},
        options: { manifests: [folder], offline: true },
        requestLog: () => [],
        stop: async () => {},
      }
    },
  }
}

const swap = (files: Files, file: string, from: string, to: string): Files => {
  const text = files[file] ?? ''
  if (!text.includes(from)) throw new Error(`scenario edit: ${file} has no "${from}"`)
  return { ...files, [file]: text.replace(from, to) }
}

const D = DOC_MANIFESTS
const v1 = (files: Files): Files =>
  Object.fromEntries(
    Object.entries(files).map(([f, t]) => [
      f,
      t.replace(/external-secrets\.io\/v1beta1/g, 'external-secrets.io/v1'),
    ]),
  )

const manifests: Scenario[] = [
  manifestScenario({
    name: 'k8s-manifests-injector',
    description: "the documentation's Vault Agent Injector manifests, checked offline",
    files: D['vault-injector'],
    exitCode: 0,
  }),
  manifestScenario({
    name: 'k8s-manifests-eso',
    description: "the documentation's External Secrets manifests: v1beta1 is removed in ESO v0.17 (warn)",
    files: D['aws-eso'],
    expect: {
      'k8s.external-secret': { status: 'warn', finding: 'v1beta1', remedies: ['k8s.migrate-eso-v1'] },
    },
    exitCode: 0,
  }),
  manifestScenario({
    name: 'k8s-manifests-gcp',
    description: "the documentation's GKE manifests: secrets fetched only by an init container (warn)",
    files: D.gcp,
    expect: { 'k8s.init-vs-sidecar': INIT_ONLY },
    exitCode: 0,
  }),
  manifestScenario({
    name: 'k8s-manifests-csi',
    description:
      "the documentation's Azure CSI manifests: usePodIdentity is deprecated, env vars read once (warns)",
    files: D['azure-csi'],
    expect: {
      'k8s.secret-provider-class': {
        status: 'warn',
        finding: 'pod-identity',
        remedies: ['k8s.migrate-workload-identity', 'bp.short-lived-credentials'],
      },
      'k8s.stale-env': {
        status: 'warn',
        finding: 'env-not-refreshed',
        remedies: ['refresh.restart-agent', 'k8s.reload-on-change'],
      },
    },
    exitCode: 0,
  }),
  manifestScenario({
    name: 'k8s-manifests-eso-refresh-zero',
    description: 'ESO manifests (v1) with refreshInterval "0"',
    files: swap(v1(D['aws-eso']), 'externalsecret.yaml', 'refreshInterval: 1h', 'refreshInterval: "0"'),
    expect: {
      'k8s.refresh-interval': {
        status: 'fail',
        finding: 'never',
        remedies: ['refresh.check-interval'],
      },
    },
    exitCode: 1,
  }),
  manifestScenario({
    name: 'k8s-manifests-irsa-annotation-missing',
    description: 'ESO manifests (v1) plus the store’s ServiceAccount, which lacks eks.amazonaws.com/role-arn',
    files: { ...v1(D['aws-eso']), 'serviceaccount.yaml': D['vault-injector']['serviceaccount.yaml'] },
    expect: {
      'k8s.sa-annotations': {
        status: 'fail',
        finding: 'irsa-missing',
        remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
      },
    },
    exitCode: 1,
  }),
  manifestScenario({
    name: 'k8s-manifests-gke-annotation-malformed',
    description: 'the GKE manifests with the garbled service-account address',
    files: swap(
      D.gcp,
      'serviceaccount.yaml',
      'expanso-edge@my-project.iam.gserviceaccount.com',
      'expanso-edge@my-project.iam',
    ),
    expect: {
      'k8s.sa-annotations': {
        status: 'fail',
        finding: 'gke-malformed',
        remedies: ['auth.check-sa-annotations'],
      },
      'k8s.init-vs-sidecar': INIT_ONLY,
    },
    exitCode: 1,
  }),
  manifestScenario({
    name: 'k8s-manifests-csi-object-mismatch',
    description: 'the Azure CSI manifests with secretObjects naming kafka_username',
    files: swap(
      D['azure-csi'],
      'secretproviderclass.yaml',
      '- objectName: kafka-username\n          key:',
      '- objectName: kafka_username\n          key:',
    ),
    expect: {
      'k8s.secret-provider-class': {
        status: 'fail',
        finding: 'object-not-fetched',
        remedies: [
          'k8s.fix-secret-provider-class',
          'auth.confirm-secret-paths',
          'k8s.migrate-workload-identity',
          'bp.short-lived-credentials',
        ],
      },
      'k8s.stale-env': {
        status: 'warn',
        finding: 'env-not-refreshed',
        remedies: ['refresh.restart-agent', 'k8s.reload-on-change'],
      },
    },
    exitCode: 1,
  }),
  manifestScenario({
    name: 'k8s-manifests-csi-not-mounted',
    description: 'the Azure CSI manifests with the volume removed: the pod only uses envFrom',
    files: {
      ...D['azure-csi'],
      'deployment.yaml': (D['azure-csi']['deployment.yaml'] as string).split(
        '          volumeMounts:',
      )[0] as string,
    },
    expect: {
      'k8s.secret-provider-class': {
        status: 'fail',
        finding: 'not-mounted',
        remedies: ['k8s.mount-csi-volume', 'k8s.migrate-workload-identity', 'bp.short-lived-credentials'],
      },
      'k8s.stale-env': {
        status: 'warn',
        finding: 'env-not-refreshed',
        remedies: ['refresh.restart-agent', 'k8s.reload-on-change'],
      },
    },
    exitCode: 1,
  }),
  manifestScenario({
    name: 'k8s-manifests-azure-client-id-missing',
    description:
      'a pod labelled for Azure workload identity whose ServiceAccount has no client-id and whose containers set no AZURE_CLIENT_ID',
    files: {
      'serviceaccount.yaml': D['vault-injector']['serviceaccount.yaml'],
      'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: expanso-edge
  namespace: expanso-system
spec:
  selector:
    matchLabels: {app: expanso-edge}
  template:
    metadata:
      labels:
        app: expanso-edge
        azure.workload.identity/use: "true"
    spec:
      serviceAccountName: expanso-edge
      containers:
        - name: expanso-edge
          image: ghcr.io/expanso-io/expanso-edge:latest
`,
    },
    expect: {
      'k8s.sa-annotations': {
        status: 'fail',
        finding: 'azure-missing',
        remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
      },
    },
    exitCode: 1,
  }),
  manifestScenario({
    name: 'k8s-manifests-injector-name-mismatch',
    description: 'the injector manifests with agent-inject-secret-pipeline-env',
    files: swap(
      D['vault-injector'],
      'deployment.yaml',
      'agent-inject-secret-pipeline.env',
      'agent-inject-secret-pipeline-env',
    ),
    expect: {
      'k8s.vault-injector': {
        status: 'fail',
        finding: 'file-not-rendered',
        remedies: ['k8s.fix-injector-annotations', 'auth.confirm-secret-paths'],
      },
    },
    exitCode: 1,
  }),
]

export const kubernetesScenarios: Scenario[] = [...live, ...manifests]
