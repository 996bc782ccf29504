// The gcp: section of edge-secrets.yaml; GOOGLE_APPLICATION_CREDENTIALS and GOOGLE_CLOUD_PROJECT fill it.
import { Type } from '@sinclair/typebox'
import { defineSection, S } from '../../core/config.js'

const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

export const gcpConfig = defineSection({
  schema: S.object({
    project: S.str(),
    endpoint: S.url(),
    credentialsFile: S.str(),
    secrets: Type.Optional(Type.Array(S.object({ name: Type.String(), keys: S.strList() }))),
  }),
  resolve(raw, { env, present, abs }) {
    const g = raw ?? {}
    const credentialsFile = abs(strOf(g.credentialsFile)) ?? strOf(env.GOOGLE_APPLICATION_CREDENTIALS)
    return {
      // A credentials path that is set but missing is a finding of gcp.credentials, not a reason to stay silent.
      configured: present || !!credentialsFile || !!env.GOOGLE_CLOUD_PROJECT,
      project: strOf(g.project) ?? strOf(env.GOOGLE_CLOUD_PROJECT),
      endpoint: strOf(g.endpoint),
      credentialsFile,
      secrets: (g.secrets ?? []).map((s) => ({ name: s.name, keys: s.keys ?? [] })),
    }
  },
})

export type GcpConfig = ReturnType<typeof gcpConfig.resolve>
