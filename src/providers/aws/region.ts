// The region, as the SDK resolves it: aws.region (or AWS_REGION, which the config section reads), else the
// profile's `region` in the shared config file.
import type { AwsRegionInfo } from './api.js'
import { isSet, type AwsContext } from './context.js'
import { sharedFileProblem } from './shared-files.js'

export async function resolveRegion(ctx: AwsContext): Promise<AwsRegionInfo> {
  const { cfg, env } = ctx
  if (cfg.region) {
    const fromEnv = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION']
    return { region: cfg.region, source: fromEnv === cfg.region ? 'env' : 'config' }
  }
  if (isSet(env['AWS_REGION'])) return { region: env['AWS_REGION'], source: 'env' }
  if (await sharedFileProblem(ctx)) return { source: 'none' }
  const { STSClient } = await import('@aws-sdk/client-sts')
  // A client is the SDK's own reader of the profile's region; it makes no call.
  const probe = new STSClient({
    profile: ctx.profile,
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  })
  try {
    const r = await probe.config.region()
    return r ? { region: r, source: 'profile' } : { source: 'none' }
  } catch {
    return { source: 'none' }
  } finally {
    probe.destroy()
  }
}
