import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube, manifestKube } from '../../../test/fixtures/kubernetes/fake.js'
import {
  awsStore,
  deployment,
  secretStore,
  serviceAccount,
} from '../../../test/fixtures/kubernetes/objects.js'
import check from './service-account.js'

const dep = deployment('expanso-edge', {
  serviceAccountName: 'expanso-edge',
  containers: [{ name: 'a', image: 'x' }],
})

describe('k8s.service-account', () => {
  it('passes when the workload and store accounts exist', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep, serviceAccount('expanso-edge'), secretStore('s', awsStore('expanso-edge'))]),
    })
    expect(r.status).toBe('pass')
  })
  it('missing: the workload runs as an account that does not exist', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([dep]) })
    expect(r.status).toBe('fail')
    expect(findingKeys(r)).toEqual(['missing'])
    expect(remedyIds(r)).toEqual(['k8s.create-service-account', 'auth.check-sa-annotations'])
    expect(JSON.stringify(r)).toContain('kubectl -n expanso-system create serviceaccount expanso-edge')
  })
  it('missing: a SecretStore logs in as an account that does not exist', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([secretStore('s', awsStore('eso-sa'))]) })
    expect(findingKeys(r)).toEqual(['missing'])
  })
  it('workload-missing: the configured deployment is not in the namespace', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep]),
      config: { kubernetes: { deployment: 'other' } },
    })
    expect(findingKeys(r)).toEqual(['workload-missing'])
    expect(remedyIds(r)).toEqual(['k8s.point-at-workload'])
  })
  it('manifests cannot prove an account absent: pass with a note', async () => {
    const { api } = manifestKube({
      'd.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      serviceAccountName: ghost\n      containers: [{name: a}]\n',
    })
    const r = await runCheck(check, { kubernetes: api })
    expect(r.status).toBe('pass')
    expect(r.details?.join()).toContain('not in the manifests')
  })
  it('forbidden list: not judged', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([dep], { kinds: { ServiceAccount: { state: 'forbidden' } } }),
    })
    expect(r.status).toBe('pass')
  })
})
