// The Secret Manager calls checks make — AccessSecretVersion, GetSecret, GetSecretVersion — turned into
// metadata. A payload is looked at once, by the core payload describer, which registers every value with the
// redactor; the API returns its shape and key states, never a value.
import { parseGoDuration } from '../../core/duration.js'
import { describeSecretText } from '../../core/payload.js'
import { memoByKey, ProviderError } from '../../core/provider.js'
import { registerSecret } from '../../core/redact.js'
import type { GcpApi, GcpPayloadInfo, GcpSecretInfo, GcpSecretRef, GcpVersionInfo } from './api.js'
import type { protos } from '@google-cloud/secret-manager'
import type { SecretManager } from './client.js'
import { parseSecretName } from './model.js'

const STATES = ['UNKNOWN', 'ENABLED', 'DISABLED', 'DESTROYED'] as const

const toIso = (t: unknown): string | undefined => {
  if (!t) return undefined
  if (typeof t === 'string') return new Date(t).toISOString()
  const ts = t as { seconds?: unknown; nanos?: number }
  if (ts.seconds === undefined || ts.seconds === null) return undefined
  const ms = Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined
}

/** A protobuf Duration, as JSON (`"2592000s"`) or as the client's object, in seconds. */
const toSeconds = (d: unknown): number | undefined => {
  if (!d) return undefined
  if (typeof d === 'string') {
    const ms = parseGoDuration(d)
    return ms === undefined ? undefined : ms / 1000
  }
  const s = Number((d as { seconds?: unknown }).seconds)
  return Number.isFinite(s) ? s : undefined
}

/** Payload → shape and key states; every value is registered with the redactor, then dropped. */
export function describePayload(
  data: Uint8Array | string | null | undefined,
): Omit<GcpPayloadInfo, 'name' | 'version'> {
  const text =
    typeof data === 'string'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data ?? []).toString('utf8')
  const bytes = Buffer.byteLength(text)
  const shape = describeSecretText(text)
  // A text payload is often a dotenv file (`KAFKA_PASSWORD=…`): each value is a secret of its own.
  if (shape.kind === 'text') for (const line of text.split('\n')) registerSecret(line.replace(/^[^=]*=/, ''))
  switch (shape.kind) {
    case 'object':
      return { bytes, format: 'json-object', keys: shape.keys }
    case 'json-other':
      return { bytes, format: 'json-other' }
    default:
      return { bytes, format: shape.kind }
  }
}

const lastSegment = (name: string, fallback: string) => name.split('/').pop() ?? fallback

/** A configured name as the API addresses it: a full resource name as given, a short one in `project`. */
async function secretRef(name: string, project: () => Promise<string | undefined>): Promise<GcpSecretRef> {
  const full = parseSecretName(name)
  if (full)
    return {
      ...full,
      version: full.version ?? 'latest',
      resource: `projects/${full.project}/secrets/${full.secret}`,
    }
  const p = await project()
  if (!p)
    throw new ProviderError(
      'gcp',
      'invalid',
      `no project for secret "${name}": set gcp.project or GOOGLE_CLOUD_PROJECT, or use projects/<p>/secrets/<name>`,
      { reason: 'no-project' },
    )
  return { project: p, secret: name, version: 'latest', resource: `projects/${p}/secrets/${name}` }
}

type Secret = protos.google.cloud.secretmanager.v1.ISecret
type Version = protos.google.cloud.secretmanager.v1.ISecretVersion

function secretInfo(s: Secret, r: GcpSecretRef): GcpSecretInfo {
  const rotation = {
    nextRotationTime: toIso(s.rotation?.nextRotationTime),
    rotationPeriodSeconds: toSeconds(s.rotation?.rotationPeriod),
  }
  return {
    name: s.name ?? r.resource,
    createTime: toIso(s.createTime),
    expireTime: toIso(s.expireTime),
    rotation: rotation.nextRotationTime || rotation.rotationPeriodSeconds ? rotation : undefined,
    topics: (s.topics ?? []).map((t) => t.name ?? '').filter(Boolean),
  }
}

function versionInfo(v: Version, r: GcpSecretRef, versionName: string): GcpVersionInfo {
  const state = typeof v.state === 'number' ? (STATES[v.state] ?? 'UNKNOWN') : String(v.state ?? 'UNKNOWN')
  const resolvedName = v.name ?? versionName
  return {
    name: resolvedName,
    version: lastSegment(resolvedName, r.version),
    state: (STATES as readonly string[]).includes(state) ? (state as GcpVersionInfo['state']) : 'UNKNOWN',
    createTime: toIso(v.createTime),
  }
}

/** The checks' Secret Manager calls over a client, with `project` resolved from the credentials. */
export function secretCalls(
  sm: SecretManager,
  project: () => Promise<string | undefined>,
): Omit<GcpApi, 'endpoint' | 'credentials'> {
  const ref = (name: string) => secretRef(name, project)

  const accessOnce = async (name: string): Promise<GcpPayloadInfo> => {
    const r = await ref(name)
    const versionName = `${r.resource}/versions/${r.version}`
    const [res] = await sm.call('AccessSecretVersion', versionName, (c) =>
      c.accessSecretVersion({ name: versionName }),
    )
    const shape = describePayload(res.payload?.data as Uint8Array | string | undefined)
    const resolvedName = res.name ?? versionName
    return { name: resolvedName, version: lastSegment(resolvedName, r.version), ...shape }
  }

  return {
    ref,
    access: memoByKey(accessOnce),
    secret: memoByKey(async (name) => {
      const r = await ref(name)
      const [s] = await sm.call('GetSecret', r.resource, (c) => c.getSecret({ name: r.resource }))
      return secretInfo(s, r)
    }),
    version: memoByKey(async (name) => {
      const r = await ref(name)
      const versionName = `${r.resource}/versions/${r.version}`
      const [v] = await sm.call('GetSecretVersion', versionName, (c) =>
        c.getSecretVersion({ name: versionName }),
      )
      return versionInfo(v, r, versionName)
    }),
    timeAccess: async (name) => {
      const start = performance.now()
      await accessOnce(name)
      return performance.now() - start
    },
  }
}
