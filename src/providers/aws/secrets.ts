// Secrets Manager: a secret's value (described, never returned) and its metadata. Every value is registered
// with the redactor as it is read (src/core/payload.ts).
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager'
import { describeSecretText } from '../../core/payload.js'
import { registerSecret } from '../../core/redact.js'
import type { AwsSecretDescription, AwsSecretValueMeta } from './api.js'
import type { AwsClients } from './clients.js'
import type { AwsContext } from './context.js'

export async function getSecretValue(clients: AwsClients, id: string): Promise<GetSecretValueCommandOutput> {
  const sm = await clients.sm()
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager')
  return clients.call('GetSecretValue', sm, (client, abortSignal) =>
    client.send(new GetSecretValueCommand({ SecretId: id }), { abortSignal }),
  )
}

/** The payload's shape and key states; the value itself stays here, registered with the redactor. */
export function describeValue(id: string, out: GetSecretValueCommandOutput): AwsSecretValueMeta {
  const base = {
    id,
    arn: out.ARN ?? '',
    name: out.Name ?? id,
    versionId: out.VersionId,
    createdDate: out.CreatedDate,
  }
  if (out.SecretString === undefined) {
    if (out.SecretBinary) registerSecret(Buffer.from(out.SecretBinary).toString('base64'))
    return { ...base, payload: 'binary', keys: [] }
  }
  const shape = describeSecretText(out.SecretString)
  if (shape.kind === 'object') {
    const keys = Object.entries(shape.keys).map(([name, state]) => ({ name, state }))
    return { ...base, payload: 'json-object', keys }
  }
  return { ...base, payload: shape.kind, keys: [] }
}

export async function secretValue(
  ctx: AwsContext,
  clients: AwsClients,
  id: string,
): Promise<AwsSecretValueMeta> {
  const out = await getSecretValue(clients, id)
  // The AWSCURRENT version's creation is when the value last changed (node.env-file-freshness uses it).
  if (out.CreatedDate)
    ctx.session.recorder.sourceChanged({ provider: 'aws', secret: id, changedAt: out.CreatedDate })
  return describeValue(id, out)
}

export async function describeSecret(clients: AwsClients, id: string): Promise<AwsSecretDescription> {
  const sm = await clients.sm()
  const { DescribeSecretCommand } = await import('@aws-sdk/client-secrets-manager')
  const out = await clients.call('DescribeSecret', sm, (client, abortSignal) =>
    client.send(new DescribeSecretCommand({ SecretId: id }), { abortSignal }),
  )
  return {
    id,
    arn: out.ARN ?? '',
    name: out.Name ?? id,
    kmsKeyId: out.KmsKeyId,
    rotationEnabled: out.RotationEnabled === true,
    rotationDays: out.RotationRules?.AutomaticallyAfterDays,
    scheduleExpression: out.RotationRules?.ScheduleExpression,
    rotationLambdaArn: out.RotationLambdaARN,
    lastRotatedDate: out.LastRotatedDate,
    lastChangedDate: out.LastChangedDate,
    nextRotationDate: out.NextRotationDate,
    deletedDate: out.DeletedDate,
    createdDate: out.CreatedDate,
    versionStages: out.VersionIdsToStages ?? {},
  }
}
