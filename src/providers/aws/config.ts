// The aws: section of edge-secrets.yaml. What it leaves out comes from the SDK's own chain (AWS_PROFILE,
// AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>), which the provider reads when it runs.
// `endpoint` is the Secrets Manager endpoint only (a VPC endpoint serves one service): STS and IAM are reached
// where AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM (or AWS_ENDPOINT_URL) say, as the SDK itself does.
import { Type } from '@sinclair/typebox'
import { defineSection, S } from '../../core/config.js'

const strOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)

export const awsConfig = defineSection({
  schema: S.object({
    region: S.str(),
    profile: S.str(),
    endpoint: S.url(),
    expectRoleArn: S.str(),
    maxRotationDays: S.int(1),
    secrets: Type.Optional(Type.Array(S.object({ id: Type.String(), keys: S.strList() }))),
  }),
  resolve(raw, { env, present }) {
    const a = raw ?? {}
    return {
      configured:
        present ||
        !!env.AWS_ACCESS_KEY_ID ||
        !!env.AWS_PROFILE ||
        (!!env.AWS_ROLE_ARN && !!env.AWS_WEB_IDENTITY_TOKEN_FILE) ||
        !!env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
        !!env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
      region: strOf(a.region) ?? strOf(env.AWS_REGION) ?? strOf(env.AWS_DEFAULT_REGION),
      profile: strOf(a.profile) ?? strOf(env.AWS_PROFILE),
      endpoint: strOf(a.endpoint),
      expectRoleArn: strOf(a.expectRoleArn),
      maxRotationDays: a.maxRotationDays ?? 30,
      secrets: (a.secrets ?? []).map((s) => ({ id: s.id, keys: s.keys ?? [] })),
    }
  },
})

export type AwsConfig = ReturnType<typeof awsConfig.resolve>
