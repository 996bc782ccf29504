import { describe, expect, it } from 'vitest'
import { httpAnswerError, httpStatusError, networkFault, redirectError } from '../../core/net.js'
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

const REMEDIES: Record<string, string[]> = {
  unreachable: ['k8s.check-kubeconfig'],
  'kubeconfig-invalid': ['k8s.check-kubeconfig'],
  tls: ['k8s.trust-ca'],
  unauthorized: ['k8s.refresh-credentials'],
}

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
    expect(remedyIds(r)).toEqual(REMEDIES[key])
  })

  const target = { provider: 'kubernetes', what: 'GET /version', endpoint: 'https://10.0.0.1:6443' }
  it.each([
    [
      'unreachable',
      networkFault(target, 'tls-handshake', 'ERR_TLS_HANDSHAKE_TIMEOUT', 3000),
      'did not complete the TLS handshake within 3s',
    ],
    [
      'unreachable',
      networkFault(target, 'reset', 'ECONNRESET'),
      'closed the connection before the answer was complete',
    ],
    [
      'unreachable',
      httpAnswerError(target, { status: 200, contentType: 'text/html', service: 'the Kubernetes API' }),
      'answered HTTP 200 (text/html), not the Kubernetes API',
    ],
    [
      'unreachable',
      httpAnswerError(target, {
        status: 429,
        contentType: 'application/json',
        retryAfter: '30',
        service: 'the Kubernetes API',
      }),
      'HTTP 429 (application/json, Retry-After 30)',
    ],
    [
      'unreachable',
      redirectError(target, 307, 'https://elsewhere:8443/version'),
      'redirected (HTTP 307) to another host, elsewhere:8443',
    ],
    ['tls', networkFault(target, 'tls-untrusted', 'SELF_SIGNED_CERT_IN_CHAIN'), 'not signed by a trusted CA'],
    ['tls', networkFault(target, 'tls-expired', 'CERT_HAS_EXPIRED'), 'has expired'],
  ])('a fault on the way is a fail in the classifier’s words: %s %#', async (key, error, words) => {
    const r = await runCheck(check, { kubernetes: liveKube([], { access: error }) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual([key])
    expect(r.summary).toContain(words)
    expect(remedyIds(r)).toEqual(REMEDIES[key])
  })

  it('the API server’s own 429 (a Status) is not an unreachable endpoint: the check could not judge', async () => {
    const throttled = httpStatusError(target, {
      status: 429,
      retryAfter: '5',
      service: 'the Kubernetes API',
      message: 'Too many requests',
    })
    const r = await runCheck(check, { kubernetes: liveKube([], { access: throttled }) })
    expect(r.status).toBe('error')
    expect(r.summary).toContain('HTTP 429 Too many requests (Retry-After 5)')
  })

  it('forbidden: lists the core reads refused, and the optional ones as partial-access', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([], { access: { denied: [denied('pods', false), denied('csidrivers', true)] } }),
    })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['forbidden', 'partial-access'])
    expect(remedyIds(r)).toEqual(['k8s.grant-read-rbac'])
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
    expect(remedyIds(r)).toEqual(['k8s.fix-manifest'])
  })

  it('manifests-empty when the files hold no Kubernetes object', async () => {
    const { api } = manifestKube({ 'values.yaml': 'replicaCount: 2\n' })
    const r = await runCheck(check, { kubernetes: api })
    expect(findingKeys(r)).toEqual(['manifests-empty'])
    expect(r.status).toBe('warn')
    expect(remedyIds(r)).toEqual(['k8s.fix-manifest'])
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
