import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ConfigError,
  defaultConfig,
  discoverConfigFile,
  loadConfig,
  parseConfigText,
  resolveConfig,
} from './config.js'

const bad = async (text: string) => {
  try {
    await parseConfigText(text, 'edge-secrets.yaml')
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as ConfigError).format()
  }
  throw new Error('expected a ConfigError')
}

describe('config validation', () => {
  it('names the line and column of a bad duration', async () => {
    expect(await bad('pipeline:\n  maxStaleness: 90x\n')).toBe(
      'edge-secrets.yaml:2:17: pipeline.maxStaleness: expected a duration like 90m, 5s, 1500ms or 14d',
    )
  })
  it('names an unknown key where it is written', async () => {
    expect(await bad('vault:\n  adress: https://v:8200\n')).toBe(
      'edge-secrets.yaml:2:3: vault: unknown key "adress"',
    )
    expect(await bad('vaults: {}\n')).toBe('edge-secrets.yaml:1:1: unknown key "vaults"')
  })
  it('names a wrong type', async () => {
    expect(await bad('thresholds:\n  latencySamples: "5"\n')).toBe(
      'edge-secrets.yaml:2:19: thresholds.latencySamples: expected integer',
    )
  })
  it('requires a reason on every ignore entry', async () => {
    expect(await bad('ignore:\n  - check: vault.audit\n')).toBe(
      'edge-secrets.yaml:2:5: ignore.0: missing required key "reason"',
    )
  })
  it('reports YAML syntax errors with their position', async () => {
    expect(await bad('a: [\n')).toMatch(/^edge-secrets\.yaml:\d+:\d+: invalid YAML/)
  })
  it('says what a duration looks like when a number is given', async () => {
    expect(await bad('pipeline:\n  maxStaleness: 5\n')).toBe(
      'edge-secrets.yaml:2:17: pipeline.maxStaleness: expected a duration like 90m, 5s, 1500ms or 14d',
    )
  })
  it('rejects an address that is not an http(s) URL, or has an impossible port, as a config error', async () => {
    expect(await bad('vault:\n  address: not a url\n')).toBe(
      'edge-secrets.yaml:2:12: vault.address: expected an http(s) URL like https://vault.example.com:8200 (not a URL)',
    )
    expect(await bad('vault:\n  address: https://vault:99999\n')).toBe(
      'edge-secrets.yaml:2:12: vault.address: expected an http(s) URL like https://vault.example.com:8200 (the port is over 65535)',
    )
    expect(await bad('azure:\n  vaultUrl: ftp://kv\n')).toContain(
      '(the scheme is ftp: (expected http: or https:))',
    )
  })
  it('names an enum by its values', async () => {
    expect(await bad('vault:\n  auth: { method: ldap }\n')).toBe(
      'edge-secrets.yaml:2:19: vault.auth.method: expected one of token, kubernetes, approle, jwt',
    )
  })
  it('refuses a YAML alias bomb instead of expanding it', async () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    ].join('\n')
    expect(await bad(bomb)).toMatch(
      /^edge-secrets\.yaml:2:\d+: invalid YAML: more than 10000 alias expansions \(a YAML alias bomb\)/,
    )
  })
  it('refuses a config that is a FIFO, a directory or over its cap, naming the path', async () => {
    const { execFileSync } = await import('node:child_process')
    const dir = mkdtempSync(join(tmpdir(), 'es-cfg-'))
    const fifo = join(dir, 'fifo.yaml')
    execFileSync('mkfifo', [fifo])
    const big = join(dir, 'big.yaml')
    writeFileSync(big, `environment: ${'x'.repeat(2 << 20)}\n`)
    const load = async (file: string) => {
      try {
        await loadConfig({ file, env: {} })
      } catch (e) {
        return (e as ConfigError).format()
      }
      return 'loaded'
    }
    expect(await load(fifo)).toBe(`${fifo}: the config is a FIFO (named pipe), not a regular file: not read`)
    expect(await load(dir)).toBe(`${dir}: the config is a directory, not a regular file: not read`)
    expect(await load(big)).toMatch(
      /big\.yaml: the config is 2,097,16\d bytes, over the 1 MiB cap for a config: not read$/,
    )
  })
  it('refuses what would hang or crash a YAML parser, with the line: deep nesting, many duplicate keys', async () => {
    expect(await bad(`a: ${'['.repeat(100_000)}`)).toBe(
      'edge-secrets.yaml:1:260: invalid YAML: it nests more than 256 brackets deep: not parsed',
    )
    const keys = Array.from({ length: 30_000 }, (_, i) => `k${i}: 1`).join('\n')
    const t0 = performance.now()
    expect(await bad(`${keys}\nk7: 2\n`)).toBe(
      'edge-secrets.yaml:30001:1: invalid YAML: mapping key "k7" is defined more than once',
    )
    expect(performance.now() - t0).toBeLessThan(5000)
    expect(await bad('a: 1\n---\nb: 2\n')).toBe(
      'edge-secrets.yaml:2:1: expected one YAML document, found several',
    )
  })
  it('accepts the contract example', async () => {
    const raw = await parseConfigText(
      [
        'environment: prod',
        'pipeline: { config: /etc/expanso/pipeline.yaml, envFiles: [/etc/expanso/pipeline.env], maxStaleness: 90m }',
        'vault:',
        '  address: https://vault.example.com:8200',
        '  auth: { method: kubernetes, role: expanso-edge, mount: kubernetes }',
        '  secrets: [{ path: secret/data/expanso/prod/pipeline, keys: [kafka_username] }]',
        'ignore: [{ check: vault.audit, reason: platform team, until: 2027-01-31 }]',
        'thresholds: { latencyP95: 500ms, tokenMinTtl: 10m, certMinValidity: 14d }',
      ].join('\n'),
      'x.yaml',
    )
    const c = resolveConfig(raw, { env: {}, file: '/etc/expanso/edge-secrets.yaml' })
    expect(c.pipeline.maxStalenessMs).toBe(90 * 60_000)
    expect(c.vault.configured).toBe(true)
    expect(c.vault.auth.role).toBe('expanso-edge')
    expect(c.ignore).toEqual([{ check: 'vault.audit', reason: 'platform team', until: '2027-01-31' }])
    expect(c.thresholds.certMinValidityMs).toBe(14 * 86_400_000)
  })
})

describe('config resolution', () => {
  it('takes defaults from the standard environment variables', () => {
    const c = resolveConfig(
      {},
      { env: { VAULT_ADDR: 'https://v:8200', VAULT_NAMESPACE: 'team', AWS_REGION: 'eu-west-1' } },
    )
    expect(c.vault.configured).toBe(true)
    expect(c.vault.address).toBe('https://v:8200')
    expect(c.vault.namespace).toBe('team')
    expect(c.aws.region).toBe('eu-west-1')
    expect(c.aws.configured).toBe(false)
  })
  it('is zero-config with nothing set', () => {
    const c = defaultConfig()
    expect(c.vault.configured || c.aws.configured || c.gcp.configured || c.azure.configured).toBe(false)
    expect(c.kubernetes.configured).toBe(false)
    expect(c.thresholds.latencyP95Ms).toBe(500)
  })
  it('resolves relative paths against the config file', () => {
    const c = resolveConfig(
      { pipeline: { config: 'pipeline.yaml' } },
      { env: {}, file: '/srv/edge/edge-secrets.yaml' },
    )
    expect(c.pipeline.config).toBe('/srv/edge/pipeline.yaml')
  })
  it('discovers $EDGE_SECRETS_CONFIG, then ./edge-secrets.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-cfg-'))
    writeFileSync(join(dir, 'edge-secrets.yaml'), 'environment: staging\n')
    expect(discoverConfigFile({ cwd: dir, env: {} })).toBe(join(dir, 'edge-secrets.yaml'))
    expect(discoverConfigFile({ cwd: dir, env: { EDGE_SECRETS_CONFIG: '/x/y.yaml' } })).toBe('/x/y.yaml')
    expect(discoverConfigFile({ cwd: dir, env: {}, file: 'other.yaml' })).toBe(join(dir, 'other.yaml'))
    expect((await loadConfig({ cwd: dir, env: {} })).environment).toBe('staging')
  })
  it('an unreadable config is a ConfigError naming the file', async () => {
    await expect(loadConfig({ file: '/nonexistent/edge-secrets.yaml', env: {} })).rejects.toThrow(ConfigError)
  })
})

describe('key locations', () => {
  it('records where each key of the file is written, for located formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-cfg-'))
    const file = join(dir, 'edge-secrets.yaml')
    writeFileSync(
      file,
      ['aws:', '  region: us-east-1', '  secrets:', '    - id: expanso/pipeline/credentials'].join('\n'),
    )
    const c = await loadConfig({ file, env: {} })
    expect(c.locations?.['aws.region']).toEqual({ line: 2, column: 3, value: 'us-east-1' })
    expect(c.locations?.['aws.secrets.0']).toEqual({ line: 4, column: 7 })
    expect(c.locations?.['aws.secrets.0.id']).toEqual({
      line: 4,
      column: 7,
      value: 'expanso/pipeline/credentials',
    })
  })
})
