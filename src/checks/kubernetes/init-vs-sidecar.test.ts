import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import { deployment, podOf } from '../../../test/fixtures/kubernetes/objects.js'
import check from './init-vs-sidecar.js'

const fetch = {
  name: 'fetch-secrets',
  command: ['/bin/bash', '-c', 'gcloud secrets versions access latest --secret=x'],
}

describe('k8s.init-vs-sidecar', () => {
  it('passes with the injector sidecar', async () => {
    const d = deployment(
      'e',
      { containers: [{ name: 'a' }] },
      { annotations: { 'vault.hashicorp.com/agent-inject': 'true' } },
    )
    expect((await runCheck(check, { kubernetes: liveKube([d]) })).status).toBe('pass')
  })
  it('passes with a native sidecar (restartPolicy: Always)', async () => {
    const d = deployment('e', {
      initContainers: [{ ...fetch, restartPolicy: 'Always' }],
      containers: [{ name: 'a' }],
    })
    expect((await runCheck(check, { kubernetes: liveKube([d]) })).status).toBe('pass')
  })
  it('skips when nothing fetches secrets in the pod', async () => {
    expect(
      (await runCheck(check, { kubernetes: liveKube([deployment('e', { containers: [{ name: 'a' }] })]) }))
        .skipReason,
    ).toBe('not-applicable')
  })
  it('init-only: the documented gcloud init container', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([deployment('e', { initContainers: [fetch], containers: [{ name: 'a' }] })]),
    })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['init-only'])
    expect(remedyIds(r)).toContain('latency.use-sidecar')
  })
  it('init-only: injector pods with only vault-agent-init', async () => {
    const d = deployment(
      'e',
      { containers: [{ name: 'a' }] },
      {
        annotations: {
          'vault.hashicorp.com/agent-inject': 'true',
          'vault.hashicorp.com/agent-pre-populate-only': 'true',
        },
      },
    )
    const r = await runCheck(check, {
      kubernetes: liveKube([
        d,
        podOf(d, '2026-11-27T10:00:00Z', 'a', { initContainers: [{ name: 'vault-agent-init' }] }),
      ]),
    })
    expect(findingKeys(r)).toEqual(['init-only'])
  })
})
