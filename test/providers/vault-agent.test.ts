import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { parseHclDuration } from '../../src/core/duration.js'
import { EXAMPLES_DIR } from '../helpers/examples.js'
import {
  agentTemplateRefs,
  injectorTemplates,
  parseAgentConfig,
  parseMode,
  parseTemplate,
  readAgentConfig,
} from '../../src/providers/vault/agent-config.js'

const EXAMPLES = EXAMPLES_DIR

describe('readAgentConfig', () => {
  it('reads the documentation example', async () => {
    const a = await readAgentConfig(`${EXAMPLES}/vault-agent/vault-agent.hcl`)
    expect(a.pidFile).toBe('/tmp/vault-agent.pid')
    expect(a.vaultAddress).toBe('https://vault.example.com:8200')
    expect(a.autoAuth).toMatchObject({ method: 'kubernetes', config: { role: 'expanso-edge' }, line: 8 })
    expect(a.sinks).toEqual([{ type: 'file', path: '/etc/expanso/secrets.env', mode: 0o600, line: 15 }])
    expect(a.templates).toEqual([
      {
        source: '/etc/vault/templates/pipeline.env.tpl',
        contents: undefined,
        destination: '/etc/expanso/pipeline.env',
        perms: 0o600,
        errorOnMissingKey: undefined,
        line: 24,
      },
    ])
    expect(a.staticSecretRenderIntervalMs).toBeUndefined()
  })

  it('reads the labelled block spelling, inline contents and template_config', async () => {
    const text = [
      'vault {',
      '  address = "https://127.0.0.1:8200"',
      '  ca_cert = "/ca.pem"',
      '}',
      'auto_auth {',
      '  method "approle" {',
      '    mount_path = "auth/edge-approle"',
      '    config = {',
      '      role_id_file_path = "/r"',
      '      secret_id_file_path = "/s"',
      '    }',
      '  }',
      '  sink "file" {',
      '    config = {',
      '      path = "/x"',
      '      mode = 0644',
      '    }',
      '  }',
      '}',
      'template_config {',
      '  static_secret_render_interval = "2h"',
      '}',
      'template {',
      '  contents = <<EOT',
      '{{ with secret "kv/app" }}A={{ .Data.a }}{{ end }}',
      'EOT',
      '  destination = "/d"',
      '  perms = 0640',
      '}',
    ].join('\n')
    const a = await parseAgentConfig(text, 'agent.hcl')
    expect(a.caCert).toBe('/ca.pem')
    expect(a.autoAuth).toMatchObject({ method: 'approle', mountPath: 'edge-approle', line: 6 })
    expect(a.sinks[0]).toMatchObject({ path: '/x', mode: 0o644, line: 13 })
    expect(a.templates[0]).toMatchObject({ destination: '/d', perms: 0o640, line: 23 })
    expect(a.staticSecretRenderIntervalMs).toBe(7_200_000)
    const { refs } = await agentTemplateRefs(a)
    expect(refs[0]?.keys).toEqual([{ path: 'kv/app', key: 'a', line: 1 }])
  })

  it('reports syntax errors as file:line:col', async () => {
    await expect(parseAgentConfig('vault {\n  address = \n', 'bad.hcl')).rejects.toThrow(/^bad\.hcl:2:\d+: /)
  })
})

describe('parseTemplate', () => {
  it('finds the paths and keys of the documentation template', async () => {
    const t = parseTemplate(await readFile(`${EXAMPLES}/vault-agent/pipeline.env.tpl`, 'utf8'))
    expect(t.paths).toEqual(['secret/data/expanso/pipeline'])
    expect(t.keys.map((k) => [k.key, k.line])).toEqual([
      ['kafka_username', 2],
      ['kafka_password', 3],
      ['api_token', 4],
      ['db_password', 5],
    ])
    expect(new Set(t.keys.map((k) => k.path))).toEqual(new Set(['secret/data/expanso/pipeline']))
  })

  it('handles nesting, KV v1, inline secret, index and version queries', () => {
    const t = parseTemplate(
      [
        '{{- with secret "secret/data/a?version=2" -}}',
        '{{ if .Data.data.x }}X={{ .Data.data.x }}{{ end }}',
        'Y={{ index .Data.data "y-key" }}',
        '{{- end }}',
        '{{ with secret "kv1/b" }}Z={{ .Data.z }}{{ .Data.data }}{{ end }}',
        'W={{ (secret "secret/data/c").Data.data.w }}',
        'N={{ .Data.data.orphan }}',
      ].join('\n'),
    )
    expect(t.paths).toEqual(['secret/data/a', 'kv1/b', 'secret/data/c'])
    expect(t.keys.map((k) => `${k.path}#${k.key}@${k.line}`)).toEqual([
      'secret/data/a#x@2',
      'secret/data/a#y-key@3',
      'kv1/b#z@5',
      'secret/data/c#w@6',
    ])
  })

  it('reads injector annotations', async () => {
    const { parse } = await import('yaml')
    const d = parse(await readFile(`${EXAMPLES}/vault-injector/deployment.yaml`, 'utf8')) as {
      spec: { template: { metadata: { annotations: Record<string, string> } } }
    }
    const [inj] = injectorTemplates(d.spec.template.metadata.annotations)
    expect(inj).toMatchObject({ name: 'pipeline.env', secretPath: 'secret/data/expanso/pipeline' })
    const t = parseTemplate(inj?.template ?? '')
    expect(t.keys.map((k) => k.key)).toEqual(['kafka_username', 'kafka_password', 'api_token'])
  })
})

describe('parsers', () => {
  it('reads modes with octal semantics', () => {
    expect(parseMode(600)).toBe(0o600)
    expect(parseMode('0600')).toBe(0o600)
    expect(parseMode(640)).toBe(0o640)
    expect(parseMode('rw')).toBeUndefined()
    expect(parseMode(999)).toBeUndefined()
  })
  it('reads durations as HCL durations (one parser: core/duration)', () => {
    expect(parseHclDuration('5m')).toBe(300_000)
    expect(parseHclDuration('1h30m')).toBe(5_400_000)
    expect(parseHclDuration(30)).toBe(30_000)
    expect(parseHclDuration('soon')).toBeUndefined()
  })
})

describe('JSON agent config (as the injector renders it)', () => {
  it('reads the same fields', async () => {
    const a = await parseAgentConfig(
      JSON.stringify({
        pid_file: '/home/vault/.pid',
        vault: { address: 'https://vault.vault.svc:8200' },
        auto_auth: {
          method: { type: 'kubernetes', mount_path: 'auth/kubernetes', config: { role: 'expanso-edge' } },
          sink: [{ type: 'file', config: { path: '/home/vault/.vault-token' } }],
        },
        template: [
          {
            destination: '/vault/secrets/pipeline.env',
            contents: '{{ with secret "secret/data/a" }}{{ .Data.data.k }}{{ end }}',
          },
        ],
      }),
      '/home/vault/config.json',
    )
    expect(a.autoAuth).toMatchObject({
      method: 'kubernetes',
      mountPath: 'kubernetes',
      config: { role: 'expanso-edge' },
    })
    expect(a.sinks).toEqual([
      { type: 'file', path: '/home/vault/.vault-token', mode: undefined, line: undefined },
    ])
    expect(a.templates[0]?.destination).toBe('/vault/secrets/pipeline.env')
  })
})
