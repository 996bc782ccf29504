// Which endpoint each AWS service is called at. `aws.endpoint` is the Secrets Manager endpoint only (a VPC
// endpoint serves one service); STS and IAM follow the SDK's own variables: AWS_ENDPOINT_URL_<SERVICE>, then
// AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set.
import type { AwsContext } from './context.js'
import { isSet } from './context.js'

export type AwsService = 'sts' | 'secretsmanager' | 'iam'

export interface AwsServiceFacts {
  /** The variable the SDK reads for this service (`AWS_ENDPOINT_URL_` + its service id, upper-cased). */
  readonly env: string
  /** How a finding names it. */
  readonly title: string
  /** awsQuery answers XML, awsJson1_1 JSON: anything else is not the service. */
  readonly contentTypes: readonly string[]
  readonly defaultHost: (region: string) => string
}

const XML = ['text/xml', 'application/xml']
const JSON_TYPES = ['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']

export const AWS_SERVICES: Readonly<Record<AwsService, AwsServiceFacts>> = {
  sts: {
    env: 'AWS_ENDPOINT_URL_STS',
    title: 'AWS STS',
    contentTypes: XML,
    defaultHost: (r) => `sts.${r}.amazonaws.com`,
  },
  secretsmanager: {
    env: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    title: 'AWS Secrets Manager',
    contentTypes: JSON_TYPES,
    defaultHost: (r) => `secretsmanager.${r}.amazonaws.com`,
  },
  iam: {
    env: 'AWS_ENDPOINT_URL_IAM',
    title: 'AWS IAM',
    contentTypes: XML,
    defaultHost: () => 'iam.amazonaws.com',
  },
}

/** The endpoint a client is given explicitly, or undefined for the SDK's regional default. */
export function endpointOverride(ctx: AwsContext, service: AwsService): string | undefined {
  if (service === 'secretsmanager' && ctx.cfg.endpoint) return ctx.cfg.endpoint
  if ((ctx.env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '').toLowerCase() === 'true') return undefined
  const own = ctx.env[AWS_SERVICES[service].env]
  if (isSet(own)) return own
  return isSet(ctx.env['AWS_ENDPOINT_URL']) ? ctx.env['AWS_ENDPOINT_URL'] : undefined
}

/** The endpoint in use: the override, else the SDK's regional default (what a finding names). */
export function endpointFor(ctx: AwsContext, service: AwsService, region: string | undefined): string {
  return (
    endpointOverride(ctx, service) ?? `https://${AWS_SERVICES[service].defaultHost(region ?? 'us-east-1')}`
  )
}
