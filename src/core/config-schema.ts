// JSON Schema of edge-secrets.yaml (CONTRACT §3). Unknown keys are errors: a typo must never be silently
// ignored, since the doctor would then check something other than what the operator meant.

const duration = { type: 'string', format: 'duration' } as const
const str = { type: 'string' } as const
const strList = { type: 'array', items: str } as const
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
})

export const configSchema = obj({
  environment: str,
  pipeline: obj({
    config: str,
    envFiles: strList,
    maxStaleness: duration,
  }),
  vault: obj({
    address: str,
    caCert: str,
    skipVerify: { type: 'boolean' },
    namespace: str,
    auth: obj({
      method: { enum: ['token', 'kubernetes', 'approle'] },
      role: str,
      mount: str,
      jwtPath: str,
      tokenFile: str,
      roleIdFile: str,
      secretIdFile: str,
    }),
    agentConfig: str,
    agentPidFile: str,
    secrets: { type: 'array', items: obj({ path: str, keys: strList }, ['path']) },
  }),
  aws: obj({
    region: str,
    profile: str,
    endpoint: str,
    expectRoleArn: str,
    maxRotationDays: { type: 'integer', minimum: 1 },
    secrets: { type: 'array', items: obj({ id: str, keys: strList }, ['id']) },
  }),
  gcp: obj({
    project: str,
    endpoint: str,
    credentialsFile: str,
    secrets: { type: 'array', items: obj({ name: str, keys: strList }, ['name']) },
  }),
  azure: obj({
    vaultUrl: str,
    clientId: str,
    tenantId: str,
    authorityHost: str,
    maxRetries: { type: 'integer', minimum: 0, maximum: 10 },
    caCert: str,
    secrets: { type: 'array', items: obj({ name: str, keys: strList }, ['name']) },
  }),
  kubernetes: obj({
    context: str,
    kubeconfig: str,
    namespace: str,
    deployment: str,
    selector: str,
  }),
  ignore: {
    type: 'array',
    items: obj(
      {
        check: str,
        reason: { type: 'string', minLength: 1 },
        until: { type: 'string', format: 'date' },
      },
      ['check', 'reason'],
    ),
  },
  thresholds: obj({
    latencyP95: duration,
    latencySamples: { type: 'integer', minimum: 1, maximum: 100 },
    tokenMinTtl: duration,
    certMinValidity: duration,
    clockSkewWarn: duration,
    clockSkewFail: duration,
  }),
})
