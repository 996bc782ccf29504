import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import {
  awsStore,
  deployment,
  podOf,
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
  it.each(cases)('%s', async (key, objects, config) => {
    const r = await runCheck(check, { kubernetes: liveKube(objects), config })
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toContain(
      key === 'pods-predate-annotation' ? 'k8s.rollout-restart' : 'auth.check-sa-annotations',
    )
  })
})
