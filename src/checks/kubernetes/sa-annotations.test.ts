import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube, manifestKube } from '../../../test/fixtures/kubernetes/fake.js'
import {
  awsStore,
  deployment,
  podOf,
  secret,
  secretProviderClass,
  secretStore,
  serviceAccount,
} from '../../../test/fixtures/kubernetes/objects.js'
import check from './sa-annotations.js'

const ROLE = 'arn:aws:iam::123456789012:role/expanso-edge'
const GSA = 'expanso-edge@my-project.iam.gserviceaccount.com'
const CLIENT = '0b6f8c3e-6a3e-4b9e-9f1a-3c2d1e0f9a8b'
const dep = deployment('expanso-edge', {
  serviceAccountName: 'expanso-edge',
  containers: [{ name: 'a', image: 'x' }],
})
const store = secretStore('aws', awsStore('expanso-edge'))
const gcpStore = secretStore('gcp', {
  gcpsm: {
    projectID: 'my-project',
    auth: {
      workloadIdentity: {
        clusterLocation: 'x',
        clusterName: 'y',
        serviceAccountRef: { name: 'expanso-edge' },
      },
    },
  },
})
const azDep = deployment(
  'expanso-edge',
  {
    serviceAccountName: 'expanso-edge',
    containers: [{ name: 'a', image: 'x' }],
    volumes: [
      {
        name: 's',
        csi: { driver: 'secrets-store.csi.k8s.io', volumeAttributes: { secretProviderClass: 'kv' } },
      },
    ],
  },
  { labels: { 'azure.workload.identity/use': 'true' } },
)
const azSpc = secretProviderClass('kv', ['a'], [], { clientID: CLIENT })

const cases: [string, Parameters<typeof liveKube>[0], Record<string, unknown>?][] = [
  ['irsa-missing', [dep, store, serviceAccount('expanso-edge')]],
  [
    'irsa-malformed',
    [dep, store, serviceAccount('expanso-edge', { 'eks.amazonaws.com/role-arn': 'expanso-edge' })],
  ],
  [
    'irsa-role-mismatch',
    [
      dep,
      store,
      serviceAccount('expanso-edge', {
        'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/other',
      }),
    ],
    { aws: { region: 'us-east-1', expectRoleArn: ROLE } },
  ],
  ['gke-missing', [dep, gcpStore, serviceAccount('expanso-edge')]],
  [
    'gke-malformed',
    [
      dep,
      serviceAccount('expanso-edge', { 'iam.gke.io/gcp-service-account': 'expanso-edge@my-project.iam' }),
    ],
  ],
  ['azure-missing', [azDep, azSpc, serviceAccount('expanso-edge')]],
  [
    'azure-malformed',
    [azDep, azSpc, serviceAccount('expanso-edge', { 'azure.workload.identity/client-id': 'not-a-guid' })],
  ],
  [
    'azure-label-missing',
    [
      deployment('expanso-edge', azDep.spec.template.spec),
      azSpc,
      serviceAccount('expanso-edge', { 'azure.workload.identity/client-id': CLIENT }),
    ],
  ],
  ['identity-unverified', [dep, serviceAccount('expanso-edge')], { aws: { region: 'us-east-1' } }],
  [
    'pods-predate-annotation',
    [
      dep,
      podOf(dep, '2026-11-27T08:00:00Z'),
      store,
      serviceAccount('expanso-edge', { 'eks.amazonaws.com/role-arn': ROLE }, '2026-11-27T09:00:00Z'),
    ],
  ],
]

describe('k8s.sa-annotations', () => {
  it('passes with a well-formed annotation set before the pods started', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([
        dep,
        podOf(dep, '2026-11-27T10:00:00Z'),
        store,
        serviceAccount('expanso-edge', { 'eks.amazonaws.com/role-arn': ROLE }, '2026-11-27T09:00:00Z'),
      ]),
      config: { aws: { region: 'us-east-1', expectRoleArn: ROLE } },
    })
    expect(r.status).toBe('pass')
  })
  it('skips when no cloud identity is in use', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([dep, serviceAccount('expanso-edge')]) })
    expect(r.skipReason).toBe('not-applicable')
  })
  it('does not ask for AWS annotations of a GKE-only deployment', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep, serviceAccount('expanso-edge', { 'iam.gke.io/gcp-service-account': GSA })]),
    })
    expect(r.status).toBe('pass')
  })
  const remedies: Record<string, string[]> = {
    'irsa-missing': ['auth.check-sa-annotations', 'auth.verify-iam'],
    'irsa-malformed': ['auth.check-sa-annotations'],
    'irsa-role-mismatch': ['auth.check-sa-annotations', 'auth.verify-iam'],
    'gke-missing': ['auth.check-sa-annotations', 'auth.verify-iam'],
    'gke-malformed': ['auth.check-sa-annotations'],
    'azure-missing': ['auth.check-sa-annotations', 'auth.verify-iam'],
    'azure-malformed': ['auth.check-sa-annotations'],
    'azure-label-missing': ['auth.check-sa-annotations'],
    'identity-unverified': ['auth.check-sa-annotations', 'auth.verify-iam'],
    'pods-predate-annotation': ['k8s.rollout-restart', 'auth.check-sa-annotations'],
  }
  it.each(cases)('%s', async (key, objects, config) => {
    const r = await runCheck(check, { kubernetes: liveKube(objects), config })
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(remedies[key])
  })
})

// Issue 10 item 16: when only the doctor config (or a pod label) says a cloud is in use, the pods decide.
describe('k8s.sa-annotations: a missing annotation judged by what the pods show', () => {
  const AWS = { aws: { region: 'us-east-1' } }
  const running = (d: ReturnType<typeof deployment>) => podOf(d, '2026-11-27T10:00:00Z')
  const withEnv = (env: { name: string; value?: string }[], extra: Record<string, unknown> = {}) =>
    deployment('expanso-edge', {
      serviceAccountName: 'expanso-edge',
      containers: [{ name: 'agent', image: 'x', env, ...extra }],
    })

  it('AWS: running pods with no IRSA, Pod Identity or access key prove it: irsa-missing', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep, running(dep), serviceAccount('expanso-edge')]),
      config: AWS,
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['irsa-missing'])
    expect(r.summary).toContain('its running pods get no AWS credentials any other way')
    expect(r.summary).toContain('the doctor config sets up AWS')
    expect(remedyIds(r)).toEqual(['auth.check-sa-annotations', 'auth.verify-iam'])
    expect(JSON.stringify(r)).toContain(
      'kubectl -n expanso-system annotate serviceaccount expanso-edge --overwrite eks.amazonaws.com/role-arn=',
    )
  })
  it.each([
    ['EKS Pod Identity', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'],
    ['a web identity token', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
    ['an access key', 'AWS_ACCESS_KEY_ID'],
  ])('AWS: a running pod with %s needs no annotation', async (what, variable) => {
    const d = withEnv([{ name: variable, value: 'x' }])
    const r = await runCheck(check, {
      kubernetes: liveKube([d, running(d), serviceAccount('expanso-edge')]),
      config: AWS,
    })
    expect(r.status).toBe('pass')
    expect(r.details?.join('\n')).toContain(`${what} (${variable}) in container agent`)
  })
  it('AWS: an access key in an env-from Secret counts, when the Secret shows its keys', async () => {
    const d = deployment('expanso-edge', {
      serviceAccountName: 'expanso-edge',
      containers: [{ name: 'agent', image: 'x', envFrom: [{ secretRef: { name: 'aws-keys' } }] }],
    })
    const keys = secret(
      'aws-keys',
      { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' },
      '2026-11-27T08:00:00Z',
    )
    const r = await runCheck(check, {
      kubernetes: liveKube([d, running(d), keys, serviceAccount('expanso-edge')]),
      config: AWS,
    })
    expect(r.status).toBe('pass')
    expect(r.details?.join('\n')).toContain('AWS_ACCESS_KEY_ID from Secret aws-keys')
  })
  it('AWS: an env-from Secret the doctor cannot see leaves it open: identity-unverified, saying why', async () => {
    const d = deployment('expanso-edge', {
      serviceAccountName: 'expanso-edge',
      containers: [{ name: 'agent', image: 'x', envFrom: [{ secretRef: { name: 'unseen' } }] }],
    })
    const r = await runCheck(check, {
      kubernetes: liveKube([d, running(d), serviceAccount('expanso-edge')]),
      config: AWS,
    })
    expect(findingKeys(r)).toEqual(['identity-unverified'])
    expect(r.status).toBe('warn')
    expect(JSON.stringify(r)).toContain('takes every key of Secret unseen')
    expect(remedyIds(r)).toEqual(['auth.check-sa-annotations', 'auth.verify-iam'])
  })
  it('AWS from manifests: a Pod Identity association is not in the files, so it stays a warn', async () => {
    const { api } = manifestKube({
      'sa.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: expanso-edge, namespace: expanso-system}\n',
      'd.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: expanso-edge, namespace: expanso-system}\nspec:\n  template:\n    spec:\n      serviceAccountName: expanso-edge\n      containers: [{name: agent, image: x}]\n',
    })
    const r = await runCheck(check, {
      kubernetes: api,
      config: { ...AWS, kubernetes: { namespace: 'expanso-system' } },
    })
    expect(findingKeys(r)).toEqual(['identity-unverified'])
    expect(r.summary).toContain('EKS Pod Identity')
  })
  it('Google Cloud: no annotation is never proof (IAM may grant the Kubernetes service account directly)', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep, running(dep), serviceAccount('expanso-edge')]),
      config: { gcp: { project: 'my-project' } },
    })
    expect(findingKeys(r)).toEqual(['identity-unverified'])
    expect(r.summary).toContain('Workload Identity Federation for GKE')
    expect(r.summary).not.toContain('EKS')
  })
  it('Azure, from the manifests alone: a labelled pod, no client-id, no AZURE_CLIENT_ID is azure-missing', async () => {
    const { api } = manifestKube({
      'sa.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: expanso-edge, namespace: expanso-system}\n',
      'd.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: expanso-edge, namespace: expanso-system}\nspec:\n  template:\n    metadata:\n      labels: {azure.workload.identity/use: "true"}\n    spec:\n      serviceAccountName: expanso-edge\n      containers: [{name: agent, image: x}]\n',
    })
    const r = await runCheck(check, {
      kubernetes: api,
      config: { kubernetes: { namespace: 'expanso-system' } },
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['azure-missing'])
    expect(r.summary).toContain('azure.workload.identity/use: "true"')
    expect(r.summary).not.toContain('EKS')
    expect(r.findings?.[0]?.location?.file).toMatch(/sa\.yaml$/)
    expect(remedyIds(r)).toEqual(['auth.check-sa-annotations', 'auth.verify-iam'])
  })
  it('Azure: a labelled pod that sets AZURE_CLIENT_ID itself needs no annotation', async () => {
    const d = deployment(
      'expanso-edge',
      {
        serviceAccountName: 'expanso-edge',
        containers: [{ name: 'agent', image: 'x', env: [{ name: 'AZURE_CLIENT_ID', value: CLIENT }] }],
      },
      { labels: { 'azure.workload.identity/use': 'true' } },
    )
    const r = await runCheck(check, { kubernetes: liveKube([d, running(d), serviceAccount('expanso-edge')]) })
    expect(r.status).toBe('pass')
    expect(r.details?.join('\n')).toContain('AZURE_CLIENT_ID')
  })
  it('Azure set up in the doctor config, pods neither labelled nor given credentials: both halves are named', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep, running(dep), serviceAccount('expanso-edge')]),
      config: { azure: { vaultUrl: 'https://kv.vault.azure.net' } },
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r).sort()).toEqual(['azure-label-missing', 'azure-missing'])
    expect(remedyIds(r)).toEqual(['auth.check-sa-annotations', 'auth.verify-iam'])
  })
  it('Azure with a service principal secret in the pod: no annotation needed, no hedge', async () => {
    const d = withEnv([{ name: 'AZURE_CLIENT_SECRET', value: 'x' }])
    const r = await runCheck(check, {
      kubernetes: liveKube([d, running(d), serviceAccount('expanso-edge')]),
      config: { azure: { vaultUrl: 'https://kv.vault.azure.net' } },
    })
    expect(r.status).toBe('pass')
  })
  it('Azure: an unseen env source leaves it open, with Azure wording and no EKS', async () => {
    const d = deployment('expanso-edge', {
      serviceAccountName: 'expanso-edge',
      containers: [{ name: 'agent', image: 'x', envFrom: [{ configMapRef: { name: 'settings' } }] }],
    })
    const r = await runCheck(check, {
      kubernetes: liveKube([d, running(d), serviceAccount('expanso-edge')]),
      config: { azure: { vaultUrl: 'https://kv.vault.azure.net' } },
    })
    expect(findingKeys(r)).toEqual(['identity-unverified'])
    expect(r.summary).toContain('service principal')
    expect(r.summary).not.toContain('EKS')
  })
})
