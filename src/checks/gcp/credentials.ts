import { defineCheck, found, pass, type Outcome } from '../define.js'
import { isNetworkFault, isProviderError, type ProviderError } from '../../core/provider.js'
import {
  isClockRejection,
  isNodeServiceAccount,
  METADATA_CALL,
  workloadIdentityMember,
} from '../../providers/gcp/model.js'

type Key =
  | 'no-credentials'
  | 'file-missing'
  | 'file-invalid'
  | 'key-rejected'
  | 'clock-rejected'
  | 'wi-binding-missing'
  | 'unreachable'
  | 'metadata-unreachable'
  | 'node-service-account'
  | 'user-credentials'
  | 'no-project'

export default defineCheck({
  id: 'gcp.credentials',
  title: 'Application Default Credentials resolve to a Google identity with a token',
  description:
    'Every Google call starts by turning ADC into an access token: a key file exchanged at its token_uri, a ' +
    'federation config, or the metadata server (GKE Workload Identity). When this fails the init container ' +
    'fails before it asks for a secret, and the error it prints ("Could not automatically determine ' +
    'credentials", a 403 from the metadata server) rarely says which source was tried. This check names the ' +
    'source, the identity, and the project the secrets will be looked up in.',
  provider: 'gcp',
  category: 'auth',
  network: true,
  findings: {
    'no-credentials': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'no Google credentials on this node: {{detail}}',
      remedies: ['gcp.configure-adc', 'auth.check-sa-annotations'],
    },
    'file-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'credentials file {{file}} (from {{from}}) does not exist or cannot be read',
      remedies: ['gcp.configure-adc'],
    },
    'file-invalid': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{message}}',
      remedies: ['gcp.configure-adc'],
    },
    'key-rejected': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the token endpoint refused the credentials of {{principal}}: {{error}}: {{description}}',
      remedies: ['gcp.replace-key', 'auth.verify-iam'],
    },
    'clock-rejected': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        'the token endpoint rejected the signed assertion of {{principal}} as outside its time window: the node clock is off ({{description}})',
      remedies: ['gcp.sync-clock'],
    },
    'wi-binding-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: 'the metadata server refused a token for {{principal}} (HTTP {{status}}): {{body}}',
      remedies: ['gcp.workload-identity-binding', 'auth.check-sa-annotations'],
    },
    unreachable: {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: '{{message}}',
      remedies: ['gcp.network-reach'],
    },
    'metadata-unreachable': {
      status: 'fail',
      severity: 'critical',
      symptom: 'slow-startup',
      message: '{{message}}',
      remedies: ['gcp.metadata-wait', 'latency.retry-backoff'],
    },
    'node-service-account': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message:
        "the metadata server hands out the node's default service account {{principal}}: Workload Identity is not in effect for this pod",
      remedies: ['gcp.enable-gke-metadata', 'auth.check-sa-annotations'],
    },
    'user-credentials': {
      status: 'warn',
      severity: 'medium',
      message: 'credentials resolve to a personal gcloud login ({{file}}), not a workload identity',
      remedies: ['gcp.workload-credentials', 'bp.short-lived-credentials'],
    },
    'no-project': {
      status: 'fail',
      severity: 'critical',
      message:
        'no project for {{secrets}}: neither gcp.project, GOOGLE_CLOUD_PROJECT nor the credentials name one',
      remedies: ['gcp.set-project'],
    },
  },
  async run({ gcp, config }) {
    let c
    try {
      c = await gcp.credentials()
    } catch (e) {
      if (!isProviderError(e)) throw e
      return fromError(e)
    }
    const outcomes: Outcome<Key>[] = []
    const details = [
      `source: ${c.source}${c.file ? ` (${c.file}, from ${c.fileFrom})` : ''}`,
      ...(c.tokenUri ? [`token endpoint: ${c.tokenUri}`] : []),
      ...(c.keyId ? [`key id: ${c.keyId}`] : []),
      ...(c.project ? [`project: ${c.project} (from ${c.projectFrom})`] : []),
      ...(c.kubernetesServiceAccount ? [`Kubernetes service account: ${c.kubernetesServiceAccount}`] : []),
      ...(c.expiresAt ? [`token expires ${c.expiresAt}`] : []),
    ]
    if (c.source === 'metadata-server' && c.principal && isNodeServiceAccount(c.principal))
      outcomes.push(
        found(
          'node-service-account',
          { principal: c.principal },
          {
            details,
            commands: {
              'gcp.enable-gke-metadata': [
                'gcloud container clusters describe CLUSTER --format="value(workloadIdentityConfig.workloadPool)"',
                'gcloud container node-pools update POOL --cluster CLUSTER --workload-metadata=GKE_METADATA',
              ],
              'auth.check-sa-annotations': [
                `kubectl get serviceaccount -n ${config.kubernetes.namespace} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.annotations.iam\\.gke\\.io/gcp-service-account}{"\\n"}{end}'`,
              ],
            },
          },
        ),
      )
    if (c.source === 'authorized-user')
      outcomes.push(found('user-credentials', { file: c.file ?? 'gcloud ADC' }, { details }))
    const shortNames = config.gcp.secrets.map((s) => s.name).filter((n) => !n.startsWith('projects/'))
    if (!c.project && shortNames.length)
      outcomes.push(
        found(
          'no-project',
          { secrets: shortNames.join(', ') },
          { details, commands: { 'gcp.set-project': ['gcloud projects list --format="value(projectId)"'] } },
        ),
      )
    if (outcomes.length) return outcomes
    return pass(`${c.principal ?? 'an identity without an email'} via ${c.source}`, details)
  },
})

function fromError(e: ProviderError): Outcome<Key> {
  const f = e.facts
  const str = (v: unknown, dflt = '') => (v === undefined || v === null ? dflt : String(v))
  // Every fault on the way — refused, no answer, TLS, an answer that is not the service — is this check's to
  // report, worded by the core classifier; which finding depends on whose endpoint it was.
  if (isNetworkFault(e) && f.call === METADATA_CALL)
    return found(
      'metadata-unreachable',
      { message: e.message },
      {
        details: [`fault: ${e.fault}`],
        commands: {
          'gcp.metadata-wait': [
            `curl -sf -H 'Metadata-Flavor: Google' http://${str(f.endpoint, '169.254.169.254')}/computeMetadata/v1/instance/service-accounts/default/email`,
          ],
        },
      },
    )
  if (isNetworkFault(e))
    return found('unreachable', { message: e.message }, { details: [`fault: ${e.fault}`] })
  switch (f.reason) {
    case 'no-credentials':
      return found(
        'no-credentials',
        {
          detail:
            'GOOGLE_APPLICATION_CREDENTIALS is unset, there is no gcloud ADC file, and ' +
            (f.detection === 'none'
              ? 'METADATA_SERVER_DETECTION=none turns off the metadata server'
              : 'no metadata server was detected'),
        },
        {
          commands: {
            'gcp.configure-adc': ['gcloud auth application-default print-access-token >/dev/null && echo ok'],
          },
        },
      )
    case 'file-missing':
      return found(
        'file-missing',
        { file: str(f.file), from: str(f.from) },
        { details: [`error: ${str(f.error)}`], commands: { 'gcp.configure-adc': [`ls -l ${str(f.file)}`] } },
      )
    case 'file-invalid':
      return found('file-invalid', { message: e.message })
    case 'token-rejected': {
      const principal = str(f.principal, 'the credentials')
      const description = str(f.description, e.message)
      if (isClockRejection(description))
        return found(
          'clock-rejected',
          { principal, description },
          { commands: { 'gcp.sync-clock': ['timedatectl status', 'chronyc tracking'] } },
        )
      return found(
        'key-rejected',
        { principal, error: str(f.error, 'refused'), description },
        {
          details: [e.message, ...(f.keyId ? [`key id in the file: ${str(f.keyId)}`] : [])],
          commands: f.principal
            ? {
                'gcp.replace-key': [
                  `gcloud iam service-accounts keys list --iam-account ${principal}`,
                  `gcloud iam service-accounts describe ${principal} --format="value(disabled)"`,
                ],
              }
            : {},
        },
      )
    }
    case 'metadata-token-denied': {
      const principal = str(f.principal)
      const member = workloadIdentityMember(
        principal,
        f.kubernetesServiceAccount === undefined ? undefined : str(f.kubernetesServiceAccount),
      )
      return found(
        'wi-binding-missing',
        { principal, status: str(f.status), body: str(f.body) },
        {
          commands: {
            'gcp.workload-identity-binding': [
              `gcloud iam service-accounts add-iam-policy-binding ${principal} --role roles/iam.workloadIdentityUser --member "${member}"`,
              `gcloud iam service-accounts get-iam-policy ${principal}`,
            ],
          },
        },
      )
    }
    default:
      // Anything else is a response the doctor cannot judge: the runner records it as `error`.
      throw e
  }
}
