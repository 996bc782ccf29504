import { describe, expect, it } from 'vitest'
import { ProviderError } from '../../core/provider.js'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube, manifestKube } from '../../../test/fixtures/kubernetes/fake.js'
import check from './access.js'

const denied = (resource: string, optional: boolean) => ({
  verb: 'list',
  resource,
  group: '',
  namespace: 'expanso-system',
  optional,
})

describe('k8s.access', () => {
  it('passes when every read is allowed', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([]) })
    expect(r.status).toBe('pass')
    expect(r.summary).toContain('system:serviceaccount:expanso-system:edge-doctor')
  })

  it.each([
    [
      'unreachable',
      new ProviderError('kubernetes', 'refused', 'https://127.0.0.1:1 refused the connection', {
        server: 'https://127.0.0.1:1',
      }),
    ],
    ['unreachable', new ProviderError('kubernetes', 'timeout', 'no answer', { server: 'https://10.0.0.1' })],
    [
      'kubeconfig-invalid',
      new ProviderError('kubernetes', 'invalid', 'cannot load the kubeconfig /x: ENOENT'),
    ],
    ['tls', new ProviderError('kubernetes', 'tls', 'TLS with https://x failed: SELF_SIGNED_CERT_IN_CHAIN')],
    ['unauthorized', new ProviderError('kubernetes', 'unauthenticated', 'GET /version: 401 Unauthorized')],
  ])('%s', async (key, error) => {
    const r = await runCheck(check, { kubernetes: liveKube([], { access: error }) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([key])
  })

  it('forbidden: lists the core reads refused, and the optional ones as partial-access', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([], { access: { denied: [denied('pods', false), denied('csidrivers', true)] } }),
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['forbidden', 'partial-access'])
    expect(remedyIds(r)).toContain('k8s.grant-read-rbac')
    expect(JSON.stringify(r)).toContain('kubectl auth can-i list pods -n expanso-system')
  })

  it('partial-access alone is a warn', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([], { access: { denied: [denied('secrets', true)] } }),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['partial-access'])
  })

  it('manifest-invalid: a YAML error and an unquoted boolean annotation, with file and line', async () => {
    const { api } = manifestKube({
      'bad.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: [unclosed\n',
      'dep.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: true\n    spec: {containers: []}\n',
    })
    const r = await runCheck(check, {
      kubernetes: api,
      config: { kubernetes: { namespace: 'expanso-system' } },
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['manifest-invalid'])
    const items = r.findings?.[0]?.items ?? []
    expect(items.map((i) => i.location?.file?.endsWith('.yaml'))).toEqual([true, true])
    expect(items.find((i) => i.detail?.includes('quote it'))?.location?.line).toBe(1)
  })

  it('manifests-empty when the files hold no Kubernetes object', async () => {
    const { api } = manifestKube({ 'values.yaml': 'replicaCount: 2\n' })
    const r = await runCheck(check, { kubernetes: api })
    expect(findingKeys(r)).toEqual(['manifests-empty'])
    expect(r.status).toBe('warn')
  })

  it('passes on readable manifests and says how many objects', async () => {
    const { api } = manifestKube({
      'sa.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata: {name: b}\n',
    })
    const r = await runCheck(check, { kubernetes: api })
    expect(r.status).toBe('pass')
    expect(r.summary).toContain('read 2 objects from 1 manifest file')
  })
})
