import { parse, parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import { NEEDED_READS } from '../providers/kubernetes/model.js'
import {
  bacalhauManifest,
  expansoManifest,
  kubernetesManifest,
  parseSelector,
  rulesFor,
} from './fleet-manifest.js'

const opts = { version: '0.1.0', selector: 'site=ams-1,tier in (edge,gw),!debug,zone!=z9,gpu' }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

describe('selectors', () => {
  it('parses the kubectl -l syntax and refuses what no engine can express', () => {
    expect(parseSelector(opts.selector)).toEqual([
      { key: 'site', op: '=', value: 'ams-1' },
      { key: 'tier', op: 'in', values: ['edge', 'gw'] },
      { key: 'debug', op: '!' },
      { key: 'zone', op: '!=', value: 'z9' },
      { key: 'gpu', op: 'exists' },
    ])
    expect(() => parseSelector('site=a b')).toThrow('--selector site=a b: "site=a b" is not key=value')
    expect(() => parseSelector('site=a$b')).toThrow('has an invalid label value')
    expect(() => parseSelector('tier in ()')).toThrow(/lists no values|invalid label value/)
    expect(() => parseSelector('bad key=x')).toThrow(/"bad key=x"/)
  })
})

describe('fleet manifest kubernetes', () => {
  const docs = parseAllDocuments(kubernetesManifest(opts)).map((d) => d.toJS() as Json)
  const byKind = (k: string) => docs.find((d) => d.kind === k)

  it('grants exactly the reads the Kubernetes provider lists, namespaced in a Role, cluster-wide in a ClusterRole', () => {
    const granted = (rules: Json[]) =>
      rules
        .flatMap((r) =>
          r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${v} ${r.apiGroups[0]}/${res}`)),
        )
        .sort()
    const needed = (namespaced: boolean) =>
      NEEDED_READS.filter((r) => r.namespaced === namespaced)
        .map((r) => `${r.verb} ${r.group}/${r.resource}`)
        .sort()
    expect(granted(byKind('Role').rules)).toEqual(needed(true))
    expect(granted(byKind('ClusterRole').rules)).toEqual(needed(false))
    expect(byKind('RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'edge-secrets-doctor', namespace: 'expanso-system' },
    ])
    expect(byKind('ClusterRoleBinding').roleRef).toMatchObject({
      kind: 'ClusterRole',
      name: 'edge-secrets-doctor',
    })
    // Derived, not copied: another list of reads gives other rules.
    expect(
      rulesFor([
        { verb: 'list', resource: 'widgets', group: 'example.com', namespaced: true, optional: true },
      ]),
    ).toEqual([{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['list'] }])
  })

  it('runs the doctor once per selected node with downward-API identity, read-only host paths and a textfile', () => {
    const ds = byKind('DaemonSet')
    const spec = ds.spec.template.spec
    expect(spec.nodeSelector).toEqual({ site: 'ams-1' })
    expect(
      spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions,
    ).toEqual([
      { key: 'tier', operator: 'In', values: ['edge', 'gw'] },
      { key: 'debug', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'NotIn', values: ['z9'] },
      { key: 'gpu', operator: 'Exists' },
    ])
    const doctor = spec.initContainers[0]
    expect(doctor.command).toEqual(['edge-secrets'])
    expect(doctor.args).toEqual(['fleet', 'run', '--textfile', '/textfile/edge_secrets.prom'])
    expect(
      doctor.env.filter((e: Json) => e.valueFrom).map((e: Json) => [e.name, e.valueFrom.fieldRef.fieldPath]),
    ).toEqual([
      ['NODE_NAME', 'spec.nodeName'],
      ['POD_NAME', 'metadata.name'],
      ['POD_NAMESPACE', 'metadata.namespace'],
    ])
    const mounts = Object.fromEntries(
      doctor.volumeMounts.map((m: Json) => [m.mountPath, m.readOnly === true]),
    )
    expect(mounts).toEqual({
      '/etc/expanso': true,
      '/etc/vault': true,
      '/run/secrets': true,
      '/textfile': false,
      '/tmp': false,
    })
    expect(spec.volumes.find((v: Json) => v.name === 'textfile').hostPath.path).toBe(
      '/var/lib/node_exporter/textfile_collector',
    )
    expect(spec.serviceAccountName).toBe('edge-secrets-doctor')
  })
})

describe('fleet manifest bacalhau', () => {
  const job = parse(bacalhauManifest(opts)) as Json
  it('is an ops job with the selector as constraints and each node’s report as its result', () => {
    expect(job.Type).toBe('ops')
    expect(job.Constraints).toEqual([
      { Key: 'site', Operator: '=', Values: ['ams-1'] },
      { Key: 'tier', Operator: 'in', Values: ['edge', 'gw'] },
      { Key: 'debug', Operator: '!' },
      { Key: 'zone', Operator: '!=', Values: ['z9'] },
      { Key: 'gpu', Operator: 'exists' },
    ])
    const task = job.Tasks[0]
    expect(task.Engine).toEqual({
      Type: 'docker',
      Params: {
        Image: 'edge-secrets:0.1.0',
        Entrypoint: ['edge-secrets'],
        Parameters: ['fleet', 'run', '--report-dir', '/outputs', '--hostname-file', '/host/etc/hostname'],
      },
    })
    expect(
      task.InputSources.every((s: Json) => s.Source.Type === 'local' && s.Source.Params.ReadWrite === false),
    ).toBe(true)
    expect(task.ResultPaths).toEqual([{ Name: 'outputs', Path: '/outputs' }])
    expect(task.Publisher).toEqual({ Type: 'local' })
  })
})

describe('fleet manifest expanso', () => {
  it('is a one-shot pipeline JobSpec: restart_policy never, selector from --selector, output as named', () => {
    const job = parse(expansoManifest({ ...opts, reportTo: 'https://collector.example.com/reports' })) as Json
    expect(job).toMatchObject({ name: 'edge-secrets-doctor', type: 'pipeline', restart_policy: 'never' })
    expect(job.selector).toEqual({
      match_labels: { site: 'ams-1' },
      match_expressions: ['tier in (edge,gw)', '!debug', 'zone!=z9', 'gpu'],
    })
    expect(job.config.input).toEqual({ generate: { count: 1, mapping: 'root = ""' } })
    expect(job.config.pipeline.processors).toEqual([
      { command: { name: 'edge-secrets', args: ['fleet', 'run'] } },
    ])
    expect(job.config.output).toEqual({
      http_client: {
        url: 'https://collector.example.com/reports',
        verb: 'POST',
        headers: { 'Content-Type': 'application/json' },
      },
    })
    expect((parse(expansoManifest({ version: '0.1.0' })) as Json).config.output).toEqual({
      file: { path: '/var/lib/edge-secrets/reports.jsonl', codec: 'lines' },
    })
    expect((parse(expansoManifest({ version: '0.1.0', selector: 'env=prod' })) as Json).selector).toEqual({
      match_labels: { env: 'prod' },
    })
  })
})

describe('deploy/examples', () => {
  it('are what fleet manifest prints with the defaults (regenerate them when this fails)', async () => {
    const { readFileSync } = await import('node:fs')
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    const read = (f: string) => readFileSync(new URL(`../../deploy/examples/${f}`, import.meta.url), 'utf8')
    expect(read('kubernetes.yaml')).toBe(kubernetesManifest({ version }))
    expect(read('bacalhau.yaml')).toBe(bacalhauManifest({ version }))
    expect(read('expanso.yaml')).toBe(expansoManifest({ version }))
  })
})
