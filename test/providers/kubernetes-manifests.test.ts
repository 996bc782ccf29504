// The --manifests source: multi-document YAML, List kinds, folders, positions, and Secret values dropped.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../../src/app/config.js'
import { ProviderError } from '../../src/core/provider.js'
import { RunRecorder } from '../../src/core/recorder.js'
import { redact } from '../../src/core/redact.js'
import kubernetes from '../../src/providers/kubernetes/provider.js'
import { loadManifests } from '../../src/providers/kubernetes/manifests.js'

const SECRET_VALUE = 'canary-manifest-secret-77aa1'

describe('kubernetes manifests source', () => {
  it('reads folders recursively, unrolls multi-document files and List kinds, with lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-man-'))
    mkdirSync(join(dir, 'nested'))
    writeFileSync(
      join(dir, 'a.yaml'),
      [
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata: {name: one}',
        '---',
        '# a comment',
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - apiVersion: v1',
        '    kind: ServiceAccount',
        '    metadata: {name: two}',
        '  - apiVersion: v1',
        '    kind: Secret',
        '    metadata: {name: s}',
        '    stringData:',
        `      password: ${SECRET_VALUE}`,
        '      empty: ""',
        '',
      ].join('\n'),
    )
    writeFileSync(
      join(dir, 'nested', 'b.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'three', namespace: 'other' },
      }),
    )
    writeFileSync(join(dir, 'README.md'), '# not a manifest')
    writeFileSync(join(dir, 'values.yaml'), 'image: x\n')
    const set = await loadManifests([dir], 'expanso-system')
    expect(set.problems).toEqual([])
    expect(set.inventory.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.location?.line}`)).toEqual([
      'ServiceAccount/one@1',
      'ServiceAccount/two@9',
      'Secret/s@12',
      'ServiceAccount/three@1',
    ])
    const secret = set.inventory.objects.find((o) => o.kind === 'Secret')
    expect(secret?.keys).toEqual({ password: 'set', empty: 'empty' })
    expect(JSON.stringify(set)).not.toContain(SECRET_VALUE)
    expect(redact(`leak ${SECRET_VALUE}`)).not.toContain(SECRET_VALUE)
    expect(set.inventory.kinds.ServiceAccount?.state).toBe('from-manifests')
  })

  it('reports unreadable paths and YAML errors as problems with file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-man-'))
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b\n')
    const set = await loadManifests([dir, join(dir, 'missing')], 'default')
    expect(set.problems.map((p) => p.message).join('\n')).toContain('cannot read')
    expect(
      set.problems.some((p) => p.location.file.endsWith('bad.yaml') && typeof p.location.line === 'number'),
    ).toBe(true)
  })

  it('a FIFO, an alias bomb and an oversized file are problems naming the file; the loader always returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-man-'))
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')])
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i)
      const next = String.fromCharCode(97 + i)
      laughs.push(
        `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`,
      )
    }
    writeFileSync(join(dir, 'bomb.yaml'), `${laughs.join('\n')}\n`)
    writeFileSync(join(dir, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ok}\n')
    const set = await loadManifests([dir], 'expanso-system')
    const messages = set.problems.map((p) => `${p.location.file}: ${p.message}`).join('\n')
    expect(messages).toMatch(/pipe\.yaml.*a FIFO \(named pipe\), not a regular file/)
    expect(messages).toMatch(/bomb\.yaml: .*alias/i)
    expect(set.inventory.objects.map((o) => o.metadata.name)).toEqual(['ok'])
  })

  it('the provider uses the files when --manifests is given (mode manifests, no SDK)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-man-'))
    writeFileSync(join(dir, 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n')
    const config = defaultConfig({}, { manifests: [dir] })
    const api = kubernetes.create({
      config,
      signal: new AbortController().signal,
      timeoutMs: 100,
      offline: true,
      recorder: new RunRecorder(),
      now: () => new Date(),
      env: {},
    })
    expect(api.mode).toBe('manifests')
    expect((await api.access()).objectCount).toBe(1)
  })

  it('live mode without any kubeconfig is "invalid", not a connection to localhost:8080', async () => {
    const home = mkdtempSync(join(tmpdir(), 'k8s-home-'))
    const config = defaultConfig({ kubernetes: { namespace: 'x' } })
    const prev = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG }
    process.env.HOME = home
    delete process.env.KUBECONFIG
    try {
      const api = kubernetes.create({
        config,
        signal: new AbortController().signal,
        timeoutMs: 500,
        offline: false,
        recorder: new RunRecorder(),
        now: () => new Date(),
        env: {},
      })
      const e = (await api.access().catch((x: unknown) => x)) as ProviderError
      expect(e).toBeInstanceOf(ProviderError)
      expect(e.kind).toBe('invalid')
    } finally {
      process.env.HOME = prev.HOME
      if (prev.KUBECONFIG) process.env.KUBECONFIG = prev.KUBECONFIG
    }
  })
})
