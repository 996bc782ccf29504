import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import type { GcpSecretRef } from '../../providers/gcp/api.js'

type Key =
  | 'permission-denied'
  | 'api-disabled'
  | 'not-found'
  | 'version-disabled'
  | 'version-destroyed'
  | 'unauthenticated'
  | 'unreachable'
  | 'no-project'
  | 'throttled'

interface Failure {
  readonly name: string
  readonly ref?: GcpSecretRef
  readonly error: ProviderError
}

export default defineCheck({
  id: 'gcp.secret-access',
  title: 'Every configured secret can be read with AccessSecretVersion',
  description:
    "This is the call the documentation's init container makes (`gcloud secrets versions access latest`). " +
    'Google answers PERMISSION_DENIED "(or it may not exist)" for both a missing IAM binding and a secret the ' +
    'caller may not see, so the check reads the ErrorInfo reason: IAM_PERMISSION_DENIED is the binding, ' +
    'SERVICE_DISABLED the API; NOT_FOUND means the caller may look and the secret (or any version) is absent; ' +
    'FAILED_PRECONDITION means `latest` points at a disabled or destroyed version.',
  provider: 'gcp',
  category: 'iam',
  needs: ['gcp.credentials'],
  network: true,
  findings: {
    'permission-denied': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{principal}} may not access {{secrets}} ({{reason}} on {{permission}})',
      remedies: ['auth.verify-iam', 'auth.confirm-secret-paths', 'auth.review-audit-logs'],
    },
    'api-disabled': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'the Secret Manager API is disabled in project {{project}} (SERVICE_DISABLED): not an IAM problem',
      remedies: ['gcp.enable-api'],
    },
    'not-found': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{secrets}} not found in project {{project}}, or it has no versions',
      remedies: ['auth.confirm-secret-paths', 'gcp.set-project'],
    },
    'version-disabled': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        '{{secret}}: `latest` is version {{version}}, which is DISABLED; consumers of latest cannot read it',
      remedies: ['gcp.enable-version'],
    },
    'version-destroyed': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{secret}}: `latest` is version {{version}}, which is DESTROYED; only a new version fixes it',
      remedies: ['gcp.enable-version'],
    },
    unauthenticated: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'Secret Manager rejected the access token of {{principal}} (UNAUTHENTICATED)',
      remedies: ['gcp.configure-adc'],
    },
    unreachable: {
      status: 'fail',
      severity: 'critical',
      symptom: 'slow-startup',
      message: '{{message}}',
      remedies: ['gcp.network-reach', 'latency.retry-backoff'],
    },
    'no-project': {
      status: 'fail',
      severity: 'critical',
      message: 'no project to look {{secrets}} up in',
      remedies: ['gcp.set-project'],
    },
    throttled: {
      status: 'warn',
      severity: 'high',
      symptom: 'slow-startup',
      message: 'Secret Manager throttled access to {{secrets}} (RESOURCE_EXHAUSTED); access not verified',
      remedies: ['latency.cache-locally', 'latency.retry-backoff'],
    },
  },
  async run({ gcp, config }) {
    const secrets = config.gcp.secrets
    if (secrets.length === 0) return skip('not-applicable', 'no gcp.secrets configured')
    const creds = await gcp.credentials()
    const principal = creds.principal ?? `the ${creds.source} identity`
    const member = creds.member ?? 'serviceAccount:SERVICE_ACCOUNT_EMAIL'
    const read: string[] = []
    const failures: Failure[] = []
    for (const s of secrets) {
      let ref: GcpSecretRef | undefined
      try {
        ref = await gcp.ref(s.name)
        const info = await gcp.access(s.name)
        read.push(`${s.name} → ${info.name}`)
      } catch (e) {
        if (!isProviderError(e)) throw e
        failures.push({ name: s.name, ref, error: e })
      }
    }
    if (failures.length === 0) return pass(`${principal} can access ${read.length} secret(s)`, read)

    const outcomes: Outcome<Key>[] = []
    const take = (pred: (f: Failure) => boolean) => {
      const picked = failures.filter(pred)
      for (const f of picked) failures.splice(failures.indexOf(f), 1)
      return picked
    }
    const names = (fs: readonly Failure[]) => fs.map((f) => f.name).join(', ')
    const items = (fs: readonly Failure[]): Item[] =>
      fs.map((f) => ({ name: f.name, detail: f.error.message }))
    const projectOf = (fs: readonly Failure[]) => fs[0]?.ref?.project ?? creds.project ?? 'PROJECT_ID'

    // Refused, no answer, TLS, a reset, an answer that is not Secret Manager, a redirect: this check reaches
    // the endpoint, so every fault on the way is its finding, in the core classifier's words.
    const network = take((f) => isNetworkFault(f.error))
    if (network.length)
      outcomes.push(
        found(
          'unreachable',
          { message: network[0]!.error.message },
          {
            items: items(network),
            commands: {
              'gcp.network-reach': [`curl -sS -o /dev/null -w '%{http_code}\\n' ${gcp.endpoint}/`],
            },
          },
        ),
      )

    const noProject = take((f) => f.error.facts.reason === 'no-project')
    if (noProject.length)
      outcomes.push(found('no-project', { secrets: names(noProject) }, { items: items(noProject) }))

    const disabledApi = take((f) => f.error.facts.reason === 'SERVICE_DISABLED')
    if (disabledApi.length) {
      const project = projectOf(disabledApi)
      outcomes.push(
        found(
          'api-disabled',
          { project },
          {
            items: items(disabledApi),
            commands: {
              'gcp.enable-api': [`gcloud services enable secretmanager.googleapis.com --project ${project}`],
            },
          },
        ),
      )
    }

    const denied = take((f) => f.error.kind === 'denied')
    if (denied.length) {
      const first = denied[0]!.error.facts
      outcomes.push(
        found(
          'permission-denied',
          {
            principal,
            secrets: names(denied),
            reason: String(first.reason ?? first.code ?? 'PERMISSION_DENIED'),
            permission: String(first.permission ?? 'secretmanager.versions.access'),
          },
          {
            items: items(denied),
            details: [`member: ${member}`],
            commands: {
              'auth.verify-iam': denied.map(
                (f) =>
                  `gcloud secrets add-iam-policy-binding ${f.ref?.secret ?? f.name} --project ${f.ref?.project ?? projectOf(denied)} --member ${member} --role roles/secretmanager.secretAccessor`,
              ),
              'auth.confirm-secret-paths': denied.map(
                (f) =>
                  `gcloud secrets describe ${f.ref?.secret ?? f.name} --project ${f.ref?.project ?? projectOf(denied)}`,
              ),
              'auth.review-audit-logs': [
                `gcloud logging read 'protoPayload.serviceName="secretmanager.googleapis.com" AND protoPayload.status.code=7' --project ${projectOf(denied)} --freshness 1d --limit 10`,
              ],
            },
          },
        ),
      )
    }

    const missing = take((f) => f.error.kind === 'not-found')
    if (missing.length) {
      const project = projectOf(missing)
      outcomes.push(
        found(
          'not-found',
          { secrets: names(missing), project },
          {
            items: items(missing),
            commands: {
              'auth.confirm-secret-paths': [
                `gcloud secrets list --project ${project} --format="value(name)"`,
                ...missing.map(
                  (f) => `gcloud secrets versions list ${f.ref?.secret ?? f.name} --project ${project}`,
                ),
              ],
            },
          },
        ),
      )
    }

    for (const f of take((x) => typeof x.error.facts.versionState === 'string')) {
      const state = String(f.error.facts.versionState)
      const version = String(f.error.facts.version ?? '?')
      const secret = f.ref?.secret ?? f.name
      const project = f.ref?.project ?? projectOf([f])
      const list = `gcloud secrets versions list ${secret} --project ${project}`
      outcomes.push(
        state === 'DESTROYED'
          ? found(
              'version-destroyed',
              { secret: f.name, version },
              {
                details: [f.error.message],
                commands: {
                  'gcp.enable-version': [
                    list,
                    `gcloud secrets versions add ${secret} --project ${project} --data-file=-`,
                  ],
                },
              },
            )
          : found(
              'version-disabled',
              { secret: f.name, version },
              {
                details: [f.error.message],
                commands: {
                  'gcp.enable-version': [
                    list,
                    `gcloud secrets versions enable ${version} --secret ${secret} --project ${project}`,
                  ],
                },
              },
            ),
      )
    }

    const unauth = take((f) => f.error.kind === 'unauthenticated')
    if (unauth.length) outcomes.push(found('unauthenticated', { principal }, { items: items(unauth) }))

    const throttled = take((f) => f.error.kind === 'throttled')
    if (throttled.length)
      outcomes.push(found('throttled', { secrets: names(throttled) }, { items: items(throttled) }))

    // What is left is a response the doctor cannot judge: alone it is the runner's `error`; beside verified
    // findings it is listed so nothing is hidden.
    if (failures.length && !outcomes.length) throw failures[0]!.error
    if (failures.length && outcomes[0]?.kind === 'found')
      outcomes[0] = { ...outcomes[0], items: [...(outcomes[0].items ?? []), ...items(failures)] }
    return outcomes
  },
})
