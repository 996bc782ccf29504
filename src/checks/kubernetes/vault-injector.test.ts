import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube } from '../../../test/fixtures/kubernetes/fake.js'
import {
  deployment,
  injectorWebhook,
  podOf,
  serviceAccount,
} from '../../../test/fixtures/kubernetes/objects.js'
import type { RawObject } from '../../sandbox/kubernetes.js'
import check from './vault-injector.js'

const P = 'vault.hashicorp.com/'
const good = {
  [`${P}agent-inject`]: 'true',
  [`${P}agent-inject-secret-pipeline.env`]: 'secret/data/expanso/pipeline',
  [`${P}agent-inject-template-pipeline.env`]: '{{- with secret "secret/data/expanso/pipeline" -}}{{ end }}',
  [`${P}role`]: 'expanso-edge',
}
const spec = {
  serviceAccountName: 'expanso-edge',
  containers: [
    {
      name: 'expanso-edge',
      image: 'x',
      command: ['/bin/sh', '-c', 'source /vault/secrets/pipeline.env\nexpanso-edge run'],
    },
  ],
}
const dep = (a: Record<string, string>) => deployment('expanso-edge', spec, { annotations: a })
const injected = (d: RawObject, at = '2026-11-27T10:00:00Z') =>
  podOf(d, at, 'x2k4p', {
    containers: [{ name: 'vault-agent', image: 'hashicorp/vault' }],
    initContainers: [{ name: 'vault-agent-init', image: 'hashicorp/vault' }],
  })
const without = (a: Record<string, string>, k: string) =>
  Object.fromEntries(Object.entries(a).filter(([x]) => x !== k))

describe('k8s.vault-injector', () => {
  it('passes: the documentation example, webhook installed, pod injected', async () => {
    const d = dep(good)
    const r = await runCheck(check, {
      kubernetes: liveKube([d, injected(d), injectorWebhook(), serviceAccount('expanso-edge')]),
    })
    expect(r.status).toBe('pass')
  })
  it('skips a workload without injector annotations', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([deployment('x', spec)]) })
    expect(r.skipReason).toBe('not-applicable')
  })
  const cases: [string, RawObject[], Record<string, unknown>?][] = [
    ['inject-not-true', [dep({ ...good, [`${P}agent-inject`]: 'yes' }), injectorWebhook()]],
    ['role-missing', [dep(without(good, `${P}role`)), injectorWebhook()]],
    ['role-mismatch', [dep(good), injectorWebhook()], { vault: { auth: { role: 'other-role' } } }],
    [
      'template-without-secret',
      [
        dep({
          ...without(good, `${P}agent-inject-secret-pipeline.env`),
          [`${P}agent-inject-secret-config`]: 'secret/data/x',
          [`${P}agent-inject-template-config`]: 'x',
          [`${P}agent-inject-secret-pipeline.env`]: 'x',
        }),
        injectorWebhook(),
      ].map((o, i) =>
        i === 0
          ? {
              ...o,
              spec: {
                ...o.spec,
                template: {
                  ...o.spec.template,
                  metadata: {
                    ...o.spec.template.metadata,
                    annotations: {
                      ...o.spec.template.metadata.annotations,
                      [`${P}agent-inject-template-extra`]: 'x',
                    },
                  },
                },
              },
            }
          : o,
      ),
    ],
    [
      'secret-without-template',
      [dep({ ...good, [`${P}agent-inject-secret-db-creds`]: 'database/creds/ro' }), injectorWebhook()],
    ],
    [
      'annotations-on-controller',
      [
        {
          ...deployment('expanso-edge', spec),
          metadata: { name: 'expanso-edge', namespace: 'expanso-system', annotations: good },
        },
        injectorWebhook(),
      ],
    ],
    ['webhook-missing', [dep(good)]],
    [
      'webhook-no-ca',
      [
        dep(good),
        {
          ...injectorWebhook(),
          webhooks: [{ ...injectorWebhook().webhooks[0], clientConfig: { service: {} } }],
        },
      ],
    ],
    ['pod-not-injected', [dep(good), podOf(dep(good), '2026-11-27T10:00:00Z'), injectorWebhook()]],
  ]
  const remedies: Record<string, string[]> = {
    'inject-not-true': ['k8s.fix-injector-annotations'],
    'role-missing': ['k8s.fix-injector-annotations', 'auth.check-sa-annotations'],
    'role-mismatch': ['k8s.fix-injector-annotations'],
    'template-without-secret': ['k8s.fix-injector-annotations', 'auth.confirm-secret-paths'],
    'secret-without-template': ['k8s.fix-injector-annotations'],
    'annotations-on-controller': ['k8s.fix-injector-annotations'],
    'webhook-missing': ['k8s.install-injector'],
    'webhook-no-ca': ['k8s.install-injector'],
    'pod-not-injected': ['k8s.install-injector', 'k8s.rollout-restart'],
  }
  it.each(cases)('%s', async (key, objects, config) => {
    const r = await runCheck(check, { kubernetes: liveKube(objects), config })
    expect(findingKeys(r)).toEqual([key])
    expect(remedyIds(r)).toEqual(remedies[key])
  })
  it('file-not-rendered + template-without-secret: the injector name mismatch, with a suggestion', async () => {
    const a = {
      ...without(
        without(good, `${P}agent-inject-secret-pipeline.env`),
        `${P}agent-inject-template-pipeline.env`,
      ),
      [`${P}agent-inject-secret-pipeline-env`]: 'secret/data/expanso/pipeline',
      [`${P}agent-inject-template-pipeline.env`]: 'x',
    }
    const r = await runCheck(check, { kubernetes: liveKube([dep(a), injectorWebhook()]) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r).sort()).toEqual(['file-not-rendered', 'template-without-secret'])
    expect(r.summary + JSON.stringify(r.findings)).toContain('did you mean')
    expect(remedyIds(r)).toEqual(['k8s.fix-injector-annotations', 'auth.confirm-secret-paths'])
    // One mismatch, one report of it: the secret the template almost names gets no warn of its own.
    expect(findingKeys(r)).not.toContain('secret-without-template')
  })
})
