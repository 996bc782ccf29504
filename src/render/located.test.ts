import { describe, expect, it } from 'vitest'
import type { Category, Item } from '../core/check.js'
import type { CheckResult, FindingResult, Report } from '../core/report.js'
import { sampleReport } from '../../test/fixtures/report.js'
import {
  artifactLocation,
  configKeyFor,
  findingSubjects,
  fingerprint,
  githubAnchor,
  locate,
  relativeToCwd,
  SYNTHETIC_CONFIG,
} from './located.js'

/** A config as the loader records it: every key's line, and the scalar values as written. */
const CONFIG: Record<string, { line: number; column: number; value?: string | number | boolean }> = {}
let line = 0
const key = (k: string, value?: string | number | boolean) => (CONFIG[k] = { line: ++line, column: 3, value })
key('environment', 'prod')
key('pipeline')
key('pipeline.config', './pipeline.yaml')
key('pipeline.envFiles')
key('pipeline.envFiles.0', '/etc/expanso/pipeline.env')
key('vault')
key('vault.address', 'https://vault.example.com:8200')
key('vault.caCert', './vault-ca.pem')
key('vault.skipVerify', false)
key('vault.auth')
key('vault.auth.role', 'expanso-edge')
key('vault.secrets')
key('vault.secrets.0')
key('vault.secrets.0.path', 'secret/data/expanso/prod/pipeline')
key('vault.secrets.1')
key('vault.secrets.1.path', 'secret/data/expanso/prod/pipeline-extra')
key('aws')
key('aws.region', 'us-east-1')
key('aws.expectRoleArn', 'arn:aws:iam::123456789012:role/expanso-edge')
key('aws.secrets')
key('aws.secrets.0')
key('aws.secrets.0.id', 'expanso/pipeline/credentials')
key('aws.secrets.0.keys')
key('aws.secrets.0.keys.0', 'kafka_username')
key('aws.secrets.0.keys.1', 'db_password')
key('aws.secrets.1')
key('aws.secrets.1.id', 'expanso/pipeline/credentials-2')
key('aws.secrets.1.keys')
key('aws.secrets.1.keys.0', 'api_token')
key('gcp')
key('gcp.project', 'my-project')
key('gcp.secrets')
key('gcp.secrets.0.name', 'kafka-creds')
key('gcp.secrets.1.name', 'expanso-pipeline-credentials')
key('azure')
key('azure.vaultUrl', 'https://expanso.vault.azure.net')
key('azure.clientId', '00000000-0000-0000-0000-000000000000')
key('kubernetes')
key('kubernetes.kubeconfig', '/home/me/.kube/config')
key('kubernetes.deployment', 'expanso-edge')
key('thresholds')
key('thresholds.latencyP95', '500ms')
key('thresholds.clockSkewWarn', '30s')
key('thresholds.clockSkewFail', '5m')

const check = (id: string, category: Category, summary = 'something is wrong'): CheckResult => ({
  id,
  title: id,
  provider: { k8s: 'kubernetes' }[id.split('.')[0]!] ?? id.split('.')[0]!,
  category,
  severity: 'high',
  status: 'fail',
  summary,
  remedies: [],
  durationMs: 1,
})
const finding = (key: string, message = 'something is wrong', items?: Item[]): FindingResult => ({
  key,
  status: 'fail',
  severity: 'high',
  message,
  remedies: [],
  ...(items && { items }),
})

describe('configKeyFor: the most specific key, by rule not by check', () => {
  it.each([
    // A key whose value the finding names, the longest value first (not its `-2` neighbour, not the mount).
    [
      'aws.secret-access',
      'secret-paths',
      finding('access-denied', 'role may not read expanso/pipeline/credentials: not authorized'),
      'aws.secrets.0.id',
    ],
    [
      'aws.secret-access',
      'secret-paths',
      finding('not-found', 'expanso/pipeline/credentials-2 not found in us-east-1'),
      'aws.secrets.1.id',
    ],
    // An item names it: the secret's own entry, then the very key of a list.
    [
      'gcp.secret-access',
      'iam',
      finding('permission-denied', 'denied', [{ name: 'expanso-pipeline-credentials' }]),
      'gcp.secrets.1.name',
    ],
    [
      'aws.secret-keys',
      'secret-paths',
      finding('missing-keys', 'keys missing', [{ name: 'db_password' }]),
      'aws.secrets.0.keys.1',
    ],
    // A path written relative to the config file is named resolved by the finding.
    [
      'vault.tls',
      'tls',
      finding('ca-unreadable', 'cannot read /etc/edge/vault-ca.pem: EACCES'),
      'vault.caCert',
    ],
    // A key whose name the finding's key names.
    ['vault.tls', 'tls', finding('skip-verify', 'TLS verification is off'), 'vault.skipVerify'],
    ['aws.identity', 'auth', finding('wrong-role', 'the node runs as another role'), 'aws.expectRoleArn'],
    ['azure.credentials', 'auth', finding('unknown-client', 'AADSTS700016'), 'azure.clientId'],
    ['gcp.credentials', 'auth', finding('no-project', 'no project'), 'gcp.project'],
    // Two secrets' `keys` lists: the list of secrets, not the first at random.
    ['aws.secret-keys', 'secret-paths', finding('missing-keys', 'keys missing'), 'aws.secrets'],
    // A key whose name the check's id names.
    ['aws.region', 'config', finding('unset', 'no region'), 'aws.region'],
    ['node.pipeline-config', 'config', finding('missing', 'no pipeline config'), 'pipeline.config'],
    ['vault.latency', 'latency', finding('slow', 'p95 900ms'), 'thresholds.latencyP95'],
    // The category's keys, most specific first (two clock thresholds tie by name: the category decides).
    ['vault.tls', 'tls', finding('unknown-authority', 'x509: unknown authority'), 'vault.caCert'],
    ['node.clock-skew', 'clock', finding('skew', 'clock is 42s ahead'), 'thresholds.clockSkewWarn'],
    ['k8s.access', 'connectivity', finding('unreachable', 'no answer'), 'kubernetes.kubeconfig'],
    ['vault.health', 'connectivity', finding('sealed', 'Vault is sealed'), 'vault.address'],
    // Nothing more specific: the provider's section.
    ['vault.audit', 'audit', finding('no-audit-device', 'no audit device'), 'vault'],
  ] as const)('%s %s → %s', (id, category, f, want) => {
    const c = check(id, category)
    expect(configKeyFor({ check: c, finding: f, items: f.items }, CONFIG, '/etc/edge')).toBe(want)
  })

  it('a provider with no section in the config has no key', () => {
    expect(configKeyFor({ check: check('azure.latency', 'latency') }, { vault: CONFIG.vault! }, '/')).toBe(
      undefined,
    )
  })

  it('without values (a report from before they were recorded) the name and category rules still apply', () => {
    const bare = Object.fromEntries(
      Object.entries(CONFIG).map(([k, v]) => [k, { line: v.line, column: v.column }]),
    )
    const f = finding('access-denied', 'role may not read expanso/pipeline/credentials')
    expect(configKeyFor({ check: check('aws.secret-access', 'secret-paths'), finding: f }, bare, '/')).toBe(
      'aws.secrets',
    )
  })
})

describe('locate', () => {
  const c = check('aws.secret-access', 'secret-paths', 'denied')
  const f = finding('access-denied', 'may not read expanso/pipeline/credentials')
  const base = sampleReport()

  it('the finding’s own file first: an item’s, the finding’s, the check’s', () => {
    const item = { name: 'x', location: { file: '/k8s/es.yaml', line: 9, column: 5 } }
    expect(locate(base, { check: c, finding: f, items: [item] })).toEqual({
      file: '/k8s/es.yaml',
      line: 9,
      column: 5,
      by: 'finding',
    })
    const own = { ...f, location: { file: '/etc/vault/agent.hcl' } }
    expect(locate(base, { check: c, finding: own })).toMatchObject({ file: '/etc/vault/agent.hcl', line: 1 })
  })

  it('else the config key, else the config file, else the synthetic config', () => {
    const withConfig: Report = { ...base, config: { file: '/repo/edge-secrets.yaml', locations: CONFIG } }
    expect(locate(withConfig, { check: c, finding: f })).toEqual({
      file: '/repo/edge-secrets.yaml',
      line: CONFIG['aws.secrets.0.id']!.line,
      column: 3,
      by: 'config-key',
      key: 'aws.secrets.0.id',
    })
    const noKeys: Report = { ...base, config: { file: '/repo/edge-secrets.yaml' } }
    expect(locate(noKeys, { check: c, finding: f })).toEqual({
      file: '/repo/edge-secrets.yaml',
      line: 1,
      by: 'config-file',
    })
    expect(locate(base, { check: c, finding: f })).toEqual({
      file: SYNTHETIC_CONFIG,
      line: 1,
      by: 'synthetic',
    })
  })
})

describe('findingSubjects', () => {
  const report: Report = { ...sampleReport(), config: { file: '/repo/edge-secrets.yaml', locations: CONFIG } }
  const c = check('gcp.secret-access', 'iam')

  it('items configured on different lines are results of their own; the rest share one', () => {
    const f = finding('permission-denied', 'denied', [
      { name: 'kafka-creds' },
      { name: 'expanso-pipeline-credentials' },
      { name: 'kafka-creds', detail: 'version 2' },
    ])
    expect(findingSubjects(report, c, f).map((s) => s.items?.map((i) => i.detail ?? i.name))).toEqual([
      ['kafka-creds', 'version 2'],
      ['expanso-pipeline-credentials'],
    ])
  })

  it('an item with its own file is its own result; a finding without items is one', () => {
    const located = { name: 'es', location: { file: '/k8s/es.yaml', line: 4 } }
    const f = finding('permission-denied', 'denied', [located, { name: 'kafka-creds' }])
    expect(findingSubjects(report, c, f).map((s) => s.items?.map((i) => i.name))).toEqual([
      ['es'],
      ['kafka-creds'],
    ])
    expect(findingSubjects(report, c, finding('api-disabled'))).toEqual([
      { check: c, finding: finding('api-disabled'), items: [] },
    ])
  })
})

describe('paths and identities', () => {
  it('files under the working directory are %SRCROOT%-relative; others file:// URIs', () => {
    expect(artifactLocation('/repo/k8s/es.yaml', '/repo')).toEqual({
      uri: 'k8s/es.yaml',
      uriBaseId: '%SRCROOT%',
    })
    expect(artifactLocation('/repo/my k8s/a#1.yaml', '/repo')).toEqual({
      uri: 'my%20k8s/a%231.yaml',
      uriBaseId: '%SRCROOT%',
    })
    expect(artifactLocation('/etc/expanso/pipeline.env', '/repo')).toEqual({
      uri: 'file:///etc/expanso/pipeline.env',
    })
    expect(artifactLocation('/repository/x.yaml', '/repo')).toEqual({ uri: 'file:///repository/x.yaml' })
    expect(artifactLocation(SYNTHETIC_CONFIG, '/repo')).toEqual({
      uri: 'edge-secrets.yaml',
      uriBaseId: '%SRCROOT%',
    })
    expect(relativeToCwd('/repo', '/repo')).toBe(undefined)
  })

  it('fingerprints are stable and tell their parts apart', () => {
    expect(fingerprint(['a', 'b'])).toBe(fingerprint(['a', 'b']))
    expect(fingerprint(['a', 'b'])).not.toBe(fingerprint(['ab', '']))
    expect(fingerprint(['a'])).toMatch(/^[0-9a-f]{32}$/)
  })

  it('anchors are the ones GitHub renders for a heading', () => {
    // Worked by hand from GitHub's rule: lower case, drop punctuation but - and _, spaces to hyphens.
    expect(
      githubAnchor(
        'node.pipeline-config — The pipeline config exists, parses, and its env references are known',
      ),
    ).toBe('nodepipeline-config--the-pipeline-config-exists-parses-and-its-env-references-are-known')
    expect(githubAnchor("vault.tls — Vault's certificate is trusted")).toBe(
      'vaulttls--vaults-certificate-is-trusted',
    )
    expect(githubAnchor('k8s.stale-env — Pods using ${VAR} env_vars')).toBe(
      'k8sstale-env--pods-using-var-env_vars',
    )
  })
})
