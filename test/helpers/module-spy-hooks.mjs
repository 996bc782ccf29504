import { appendFileSync } from 'node:fs'

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  if (process.env.EDGE_SECRETS_MODULE_LOG) appendFileSync(process.env.EDGE_SECRETS_MODULE_LOG, result.url + '\n')
  return result
}
