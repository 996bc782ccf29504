import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import { liveKube, manifestKube } from '../../../test/fixtures/kubernetes/fake.js'
import { awsStore, externalSecret, secretStore } from '../../../test/fixtures/kubernetes/objects.js'
import check from './external-secret.js'

const store = secretStore('aws-secrets-manager', awsStore())

describe('k8s.external-secret', () => {
  it('passes when the ExternalSecret and its store are Ready', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([externalSecret('pipeline-credentials', { refreshInterval: '1h' }), store]),
    })
    expect(r.status).toBe('pass')
  })
  it('says which version it listed, and what API discovery said the cluster serves', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([externalSecret('p'), store], {
        esoServed: ['v1', 'v1beta1'],
        apiGroups: {
          'external-secrets.io': { group: 'external-secrets.io', served: ['v1', 'v1beta1'], listed: 'v1' },
        },
      }),
    })
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('1 ExternalSecret(s) in order (external-secrets.io/v1)')
    expect(r.details?.[0]).toBe('listed at external-secrets.io/v1 (API discovery lists v1, v1beta1)')
  })
  it('skips without ExternalSecrets', async () => {
    expect((await runCheck(check, { kubernetes: liveKube([]) })).skipReason).toBe('not-applicable')
  })
  it('not-ready: quotes the controller message verbatim', async () => {
    const msg = 'could not get secret data from provider'
    const r = await runCheck(check, {
      kubernetes: liveKube([
        externalSecret('p', { ready: { status: 'False', reason: 'SecretSyncedError', message: msg } }),
        store,
      ]),
    })
    expect(findingKeys(r)).toEqual(['not-ready'])
    expect(r.summary).toContain(`(SecretSyncedError): ${msg}`)
    expect(remedyIds(r)).toEqual(['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'])
  })
  it('not-ready: a controller message with control characters is quoted as one printable line', async () => {
    const msg = 'sync failed\n::error::injected \u001b[31mred'
    const r = await runCheck(check, {
      kubernetes: liveKube([
        externalSecret('p', { ready: { status: 'False', reason: 'SecretSyncedError', message: msg } }),
        store,
      ]),
    })
    expect(findingKeys(r)).toEqual(['not-ready'])
    expect(r.summary).not.toContain('\n')
    expect(r.summary).not.toContain('\u001b')
    expect(r.summary).toContain('sync failed ⏎ ::error::injected')
    expect(remedyIds(r)).toEqual(['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'])
  })
  it('no-status: the controller never touched it', async () => {
    const es = externalSecret('p')
    const r = await runCheck(check, { kubernetes: liveKube([{ ...es, status: {} }, store]) })
    expect(findingKeys(r)).toEqual(['no-status'])
    expect(r.status).toBe('warn')
    expect(remedyIds(r)).toEqual(['auth.review-audit-logs'])
  })
  it('store-missing', async () => {
    const r = await runCheck(check, { kubernetes: liveKube([externalSecret('p')]) })
    expect(findingKeys(r)).toEqual(['store-missing'])
    expect(remedyIds(r)).toEqual(['auth.confirm-secret-paths'])
  })
  it('store-not-ready', async () => {
    const r = await runCheck(check, {
      kubernetes: liveKube([externalSecret('p'), secretStore('aws-secrets-manager', awsStore(), false)]),
    })
    expect(findingKeys(r)).toEqual(['store-not-ready'])
    expect(r.summary).toContain('unable to create client')
    expect(remedyIds(r)).toEqual(['auth.verify-iam', 'auth.check-sa-annotations'])
  })
  it('v1beta1-not-served: applied as v1beta1 on a cluster that serves only v1', async () => {
    const es = externalSecret('p', {
      lastApplied: '{"apiVersion":"external-secrets.io/v1beta1","kind":"ExternalSecret"}',
    })
    const r = await runCheck(check, { kubernetes: liveKube([es, store], { esoServed: ['v1'] }) })
    expect(findingKeys(r)).toEqual(['v1beta1-not-served'])
    expect(remedyIds(r)).toEqual(['k8s.migrate-eso-v1'])
  })
  it('v1beta1: manifests in the removed version are a warn, located in the file', async () => {
    const { api } = manifestKube({
      'es.yaml':
        'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: {name: p}\nspec:\n  secretStoreRef: {name: s, kind: SecretStore}\n',
    })
    const r = await runCheck(check, { kubernetes: api })
    expect(r.status).toBe('warn')
    expect(findingKeys(r)).toEqual(['v1beta1'])
    expect(r.findings?.[0]?.items?.[0]?.location?.line).toBe(1)
    expect(remedyIds(r)).toEqual(['k8s.migrate-eso-v1'])
  })
})
