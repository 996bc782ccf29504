// Pure helpers the aws checks share (no SDK, no I/O): ARNs, role names, the documentation's least-privilege
// policy and the commands that install it, the region of an endpoint, the finding a network fault is.
import type { NetworkFault } from '../../core/provider.js'

export interface ParsedArn {
  readonly partition: string
  readonly service: string
  readonly region: string
  readonly account: string
  readonly resource: string
}

export function parseArn(arn: string): ParsedArn | undefined {
  const m = /^arn:([\w-]+):([\w-]+):([\w-]*):(\d{12}|aws)?:(.+)$/.exec(arn)
  if (!m) return undefined
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4] ?? '', resource: m[5]! }
}

/** The role name of an assumed-role session ARN or an IAM role ARN (paths dropped); undefined otherwise. */
export function roleNameOf(arn: string): string | undefined {
  const p = parseArn(arn)
  if (!p) return undefined
  if (p.service === 'sts' && p.resource.startsWith('assumed-role/')) return p.resource.split('/')[1]
  if (p.service === 'iam' && p.resource.startsWith('role/')) return p.resource.split('/').pop()
  return undefined
}

/** The session part of an assumed-role ARN (`i-0abc…` for an EC2 instance role). */
export function sessionNameOf(arn: string): string | undefined {
  const p = parseArn(arn)
  return p?.resource.startsWith('assumed-role/') ? p.resource.split('/').slice(2).join('/') : undefined
}

/** What SimulatePrincipalPolicy takes for a caller: the IAM role behind a session, else the ARN itself. */
export function policySourceArnOf(callerArn: string): string | undefined {
  const p = parseArn(callerArn)
  if (!p) return undefined
  if (p.service === 'sts' && p.resource.startsWith('assumed-role/')) {
    return `arn:${p.partition}:iam::${p.account}:role/${p.resource.split('/')[1]}`
  }
  if (p.service === 'iam' && (p.resource.startsWith('user/') || p.resource.startsWith('role/')))
    return callerArn
  return undefined
}

/** An EC2 instance role: what a pod gets when its IRSA role did not reach it. */
export const looksLikeNodeRole = (callerArn: string): boolean =>
  /NodeInstanceRole|nodegroup|node-role|NodeRole/i.test(roleNameOf(callerArn) ?? '') ||
  /^i-[0-9a-f]{8,17}$/.test(sessionNameOf(callerArn) ?? '')

/** A policy resource for one secret: its name plus the random six-character suffix AWS appends. */
export function secretPolicyResource(id: string, region: string, account: string): string {
  const p = parseArn(id)
  if (p?.service === 'secretsmanager') return /-[A-Za-z0-9]{6}$/.test(id) ? id : `${id}-??????`
  return `arn:aws:secretsmanager:${region}:${account}:secret:${id}-??????`
}

/** The secret name in a secret id or ARN (`…:secret:expanso/db-AbCdEf` → `expanso/db`). */
export function secretNameOf(id: string): string {
  const p = parseArn(id)
  return p ? p.resource.replace(/^secret:/, '').replace(/-[A-Za-z0-9]{6}$/, '') : id
}

/** The documentation's least-privilege policy (Best Practices 2), with the real secret ARNs filled in. */
export function leastPrivilegePolicy(resources: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: resources.length === 1 ? resources[0] : [...resources],
      },
    ],
  })
}

/** `aws iam put-role-policy …` with that policy, for the role in use. */
export function putPolicyCommand(roleName: string, resources: readonly string[]): string {
  return `aws iam put-role-policy --role-name ${roleName} --policy-name expanso-edge-secrets --policy-document '${leastPrivilegePolicy(resources)}'`
}

/** The region in an AWS endpoint host name (`secretsmanager.eu-west-1.amazonaws.com`, VPC endpoints too). */
export function endpointRegion(endpoint: string): string | undefined {
  try {
    const host = new URL(endpoint).hostname
    return /\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
  } catch {
    return undefined
  }
}

/** A duration for humans: whole hours beyond a day, whole minutes beyond an hour (`45d`, `2h 5m`). */
export function roughDuration(ms: number, format: (ms: number) => string): string {
  const abs = Math.abs(ms)
  const unit = abs >= 86_400_000 ? 3_600_000 : abs >= 3_600_000 ? 60_000 : 1000
  return format(Math.round(ms / unit) * unit)
}

/** Which finding a fault on the way to an AWS endpoint is: TLS trust, an answer that is not AWS, or no reach. */
export function reachFinding(fault: NetworkFault): 'tls' | 'not-aws' | 'unreachable' {
  if (fault === 'not-the-service' || fault === 'redirect') return 'not-aws'
  if (fault.startsWith('tls-') && fault !== 'tls-handshake') return 'tls'
  return 'unreachable'
}
