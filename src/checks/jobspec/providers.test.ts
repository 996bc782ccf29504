import { stringify } from 'yaml'
import { describe, expect, it } from 'vitest'
import { findingKeys, remedyIds, runCheck } from '../../../test/helpers/check-harness.js'
import {
  at,
  CA,
  fakeJobspec,
  healthySpec,
  JWT_FILE,
  PIPELINE,
  setup,
  type Setup,
  type Spec,
} from '../../../test/fixtures/jobspec/fake.js'
import { redact } from '../../core/redact.js'
import check from './providers.js'

const run = (o: Setup = {}) => runCheck(check, { jobspec: fakeJobspec(), ...setup(o) })
const corp = (s: Spec) => at(s, 'secret_providers', 'corp_vault')
const corpAuth = (s: Spec) => at(s, 'secret_providers', 'corp_vault', 'auth')

describe('jobspec.providers', () => {
  it('passes the healthy JobSpec and names each entry with its line', async () => {
    const r = await run()
    expect(r.status).toBe('pass')
    expect(r.summary).toBe('2 provider entries: corp_vault (hashicorp_vault), ci_vault (hashicorp_vault)')
    expect(r.details).toEqual([
      'secret_providers.corp_vault (line 17): hashicorp_vault',
      'secret_providers.ci_vault (line 26): hashicorp_vault',
    ])
  })

  it('reads the blocks under a top-level spec: as well', async () => {
    const r = await run({ text: stringify({ spec: healthySpec() }) })
    expect(r.status).toBe('pass')
    expect(r.details).toContain('the blocks sit under `spec:` (read there as well as at the top level)')
  })

  it('warns when the blocks sit in a file that is not a pipeline JobSpec', async () => {
    const { name: _n, type: _t, config, ...blocks } = healthySpec()
    const r = await run({ text: stringify({ ...(config as object), ...blocks }) })
    expect(findingKeys(r)).toEqual(['not-a-jobspec'])
    expect(r.summary).toContain('is not a pipeline JobSpec (a bare pipeline)')
    expect(remedyIds(r)).toEqual(['node.fix-pipeline-config'])
  })

  it('skips a pipeline config without the blocks, and one that does not parse', async () => {
    const plain = await run({
      text: stringify({ name: 'x', type: 'pipeline', config: { input: { stdin: {} } } }),
    })
    expect(plain.skipReason).toBe('not-applicable')
    expect(plain.skipDetail).toBe(`${PIPELINE} declares no secret_providers or secrets`)
    const broken = await run({ text: 'secret_providers: [\n' })
    expect(broken.skipReason).toBe('not-applicable')
    expect(broken.skipDetail).toMatch(/cannot be read as YAML \(\/etc\/expanso\/pipeline\.yaml:2:1: /)
  })

  it.each<[string, Setup['change'], string, string[], string]>([
    [
      'a missing address and auth method',
      (s) => {
        delete corp(s).address
        delete corpAuth(s).method
      },
      'missing-field',
      ['jobspec.fix-provider-entry'],
      'secret_providers.corp_vault: address (line 16)',
    ],
    [
      'an entry that is not a mapping',
      (s) => {
        at(s, 'secret_providers').corp_vault = 'vault.internal'
      },
      'not-a-mapping',
      ['jobspec.fix-provider-entry'],
      'secret_providers.corp_vault: the entry is not a mapping',
    ],
    [
      'an entry without provider:',
      (s) => {
        delete corp(s).provider
      },
      'no-type',
      ['jobspec.fix-provider-entry'],
      'secret_providers.corp_vault: no provider:',
    ],
    [
      'an address that is not a URL and skip_verify that is not a boolean',
      (s) => {
        corp(s).address = 'vault.internal:8200'
        corp(s).tls = { skip_verify: 'no' }
      },
      'bad-value',
      ['jobspec.fix-provider-entry'],
      'secret_providers.corp_vault.address: vault.internal:8200 is not an http(s) URL',
    ],
    [
      'AppRole without a secret_id',
      (s) => {
        delete corpAuth(s).secret_id_env
      },
      'missing-credential',
      ['jobspec.fix-provider-entry', 'jobspec.credential-source'],
      'secret_providers.corp_vault.auth: secret_id, secret_id_file, secret_id_env',
    ],
    [
      'two sources for the secret_id',
      (s) => {
        corpAuth(s).secret_id_file = '/etc/expanso/vault-secret-id'
      },
      'two-sources',
      ['jobspec.one-source'],
      'secret_providers.corp_vault.auth.secret_id: secret_id_file and secret_id_env',
    ],
    [
      'a client certificate without its key',
      (s) => {
        at(s, 'secret_providers', 'corp_vault', 'tls').client_cert = CA
      },
      'cert-without-key',
      ['jobspec.pair-client-cert'],
      'secret_providers.corp_vault.tls: client_cert without client_key',
    ],
    [
      'a provider type this version does not know',
      (s) => {
        at(s, 'secret_providers').az = { provider: 'azure_key_vault', vault_url: 'https://x.vault.azure.net' }
        at(s, 'secrets').DB_PASSWORD = { from: 'az', name: 'db-password' }
      },
      'unknown-type',
      ['jobspec.unconfirmed-format'],
      'secret_providers.az.provider: azure_key_vault (the overview also names AWS Secrets Manager, AWS Parameter Store, GCP Secret Manager, Azure Key Vault, local files, with no identifier the doctor could confirm)',
    ],
    [
      'a misspelled auth method',
      (s) => {
        corpAuth(s).method = 'aprole'
      },
      'unknown-auth-method',
      ['jobspec.unconfirmed-format'],
      'secret_providers.corp_vault.auth.method: aprole (did you mean approle?)',
    ],
    [
      'a misspelled field',
      (s) => {
        corp(s).namespce = 'team-a'
      },
      'unknown-field',
      ['jobspec.unconfirmed-format'],
      'secret_providers.corp_vault.namespce: namespce (did you mean namespace?)',
    ],
    [
      'a secret_id written into the JobSpec',
      (s) => {
        delete corpAuth(s).secret_id_env
        corpAuth(s).secret_id = 'c0ffee'
      },
      'inline-credential',
      ['jobspec.no-inline-credential', 'bp.short-lived-credentials'],
      'secret_providers.corp_vault.auth.secret_id: secret_id',
    ],
    [
      'tls.skip_verify: true',
      (s) => {
        corp(s).tls = { skip_verify: true }
      },
      'skip-verify',
      ['vault.no-skip-verify', 'vault.trust-ca'],
      'secret_providers.corp_vault.tls.skip_verify: skip_verify: true',
    ],
    [
      'plain HTTP to a remote Vault',
      (s) => {
        corp(s).address = 'http://vault.internal:8200'
      },
      'plaintext',
      ['vault.fix-address'],
      'secret_providers.corp_vault.address: http://vault.internal:8200',
    ],
    [
      'an entry no secret uses',
      (s) => {
        at(s, 'secret_providers').spare = { ...corp(s) }
      },
      'unused-provider',
      ['jobspec.fix-secret-entry'],
      'secret_providers.spare: no secret names it in from:',
    ],
  ])('%s', async (_name, change, key, remedies, item) => {
    const r = await run({ change })
    expect(findingKeys(r)).toEqual([key])
    const f = r.findings?.[0]
    expect(f?.items?.map((i) => `${i.name}: ${i.detail}`)).toContainEqual(item.replace(/ \(line \d+\)$/, ''))
    expect(f?.location?.file).toBe(PIPELINE)
    expect(remedyIds(r)).toEqual(remedies)
  })

  it('names a missing credential file, a world-readable one, and an unset variable', async () => {
    const r = await runCheck(check, {
      jobspec: fakeJobspec(),
      ...setup({
        files: {
          [JWT_FILE]: { text: 'eyJ', mode: 0o644 },
          '/etc/expanso/vault-role-id': { odd: 'directory' },
        },
        env: {},
      }),
    })
    expect(findingKeys(r)).toEqual(['file-missing', 'env-unset', 'file-perms'])
    expect(r.status).toBe('fail')
    expect(r.findings?.map((f) => f.items?.map((i) => i.detail))).toEqual([
      ['/etc/expanso/vault-role-id is not a regular file'],
      ['$EDGE_VAULT_SECRET_ID is not set'],
      ['/etc/expanso/edge.jwt is mode 0644'],
    ])
    expect(remedyIds(r)).toEqual([
      'jobspec.credential-source',
      'auth.confirm-secret-paths',
      'pattern.file-perms',
    ])
  })

  it('never shows an inline credential, even under a method it does not know', async () => {
    const r = await run({
      change: (s) => {
        corp(s).auth = { method: 'statik', token: 'hvs.CANARY-inline-token-5e0d1' }
      },
    })
    expect(findingKeys(r)).toEqual(['unknown-auth-method'])
    expect(JSON.stringify(r)).not.toContain('CANARY-inline-token')
    expect(redact('x hvs.CANARY-inline-token-5e0d1 y')).not.toContain('CANARY-inline-token')
  })

  it('points at the line of the entry in the file', async () => {
    const r = await run({ change: (s) => delete corp(s).address })
    expect(r.findings?.[0]?.location).toEqual({ file: PIPELINE, line: 17, column: 3 })
  })
})
