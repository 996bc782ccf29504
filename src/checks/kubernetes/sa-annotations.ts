import { restartCommand } from '../../providers/kubernetes/model.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import {
  AZURE_ANNOTATION,
  AZURE_LABEL,
  GKE_ANNOTATION,
  IRSA_ANNOTATION,
  annotationChanged,
  annotations,
  findObject,
  identityServiceAccounts,
  podStarted,
  podsOf,
  workloads,
} from '../../providers/kubernetes/provider.js'

const ROLE_ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const GSA = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

type Key =
  | 'irsa-missing'
  | 'irsa-malformed'
  | 'irsa-role-mismatch'
  | 'gke-missing'
  | 'gke-malformed'
  | 'azure-missing'
  | 'azure-malformed'
  | 'azure-label-missing'
  | 'pods-predate-annotation'
  | 'identity-unverified'

const missing = (cloud: string, annotation: string) =>
  ({
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: `ServiceAccount {{sa}} has no ${annotation} annotation, but {{why}} (${cloud} in use: {{evidence}})`,
    remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
  }) as const

const malformed = (annotation: string, form: string) =>
  ({
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: `ServiceAccount {{sa}}: ${annotation} is "{{value}}", not ${form}`,
    remedies: ['auth.check-sa-annotations'],
  }) as const

export default defineCheck({
  id: 'k8s.sa-annotations',
  title: 'Service accounts carry well-formed workload-identity annotations for the cloud in use',
  description:
    'IRSA, GKE workload identity and Azure workload identity bind a Kubernetes service account to a cloud ' +
    'identity through an annotation (and, for Azure, a pod label). Missing or malformed, the pod silently falls ' +
    'back to the node’s identity or none, and secret reads fail with "permission denied". Pods keep the identity ' +
    'they started with, so an annotation added later needs a restart.',
  provider: 'kubernetes',
  category: 'iam',
  needs: ['k8s.access'],
  network: (config) => config.kubernetes.manifests.length === 0,
  findings: {
    'irsa-missing': missing('AWS', IRSA_ANNOTATION),
    'irsa-malformed': malformed(
      IRSA_ANNOTATION,
      'an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)',
    ),
    'irsa-role-mismatch': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message: `ServiceAccount {{sa}}: ${IRSA_ANNOTATION} is {{value}}, but aws.expectRoleArn is {{expected}}`,
      remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
    },
    'gke-missing': missing('Google Cloud', GKE_ANNOTATION),
    'gke-malformed': malformed(
      GKE_ANNOTATION,
      'a Google service account e-mail (<name>@<project>.iam.gserviceaccount.com)',
    ),
    'azure-missing': missing('Azure', AZURE_ANNOTATION),
    'azure-malformed': malformed(AZURE_ANNOTATION, 'a client id GUID'),
    'azure-label-missing': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message: `{{workload}} lacks the pod label ${AZURE_LABEL}: "true", so the Azure webhook never injects the federated token`,
      remedies: ['auth.check-sa-annotations'],
    },
    'identity-unverified': {
      status: 'warn',
      severity: 'medium',
      symptom: 'permission-denied',
      message:
        'ServiceAccount {{sa}} has no {{annotation}} annotation while {{evidence}}: unless the pod gets credentials another way (EKS Pod Identity, a key file), it runs as the node’s identity',
      remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
    },
    'pods-predate-annotation': {
      status: 'warn',
      severity: 'high',
      symptom: 'permission-denied',
      message:
        '{{count}} pod(s) of {{workload}} started before {{annotation}} last changed on {{sa}}: they still use the old identity',
      remedies: ['k8s.rollout-restart', 'auth.check-sa-annotations'],
    },
  },
  async run({ kubernetes, config }) {
    const inv = await kubernetes.inventory()
    const accounts = identityServiceAccounts(inv, config).filter((sa) => sa.clouds.size > 0)
    if (accounts.length === 0)
      return skip('not-applicable', 'no AWS, Google Cloud or Azure workload identity in use')
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const sa of accounts) {
      const clouds = { aws: sa.clouds.get('aws'), gcp: sa.clouds.get('gcp'), azure: sa.clouds.get('azure') }
      const obj = findObject(inv, 'ServiceAccount', sa.ns, sa.name)
      const ref = `ServiceAccount/${sa.ns}/${sa.name}`
      if (!obj) {
        details.push(`${ref}: not visible (${sa.why}); its annotations were not checked`)
        continue
      }
      const a = annotations(obj)
      const loc = obj.location
      const vars = { sa: ref, why: sa.why }
      const annotate = (key: string, value: string) => [
        `kubectl -n ${sa.ns} annotate serviceaccount ${sa.name} --overwrite ${key}=${value}`,
      ]
      const checked: string[] = []
      if (clouds.aws) {
        const v = a[IRSA_ANNOTATION]
        const expected = config.aws.expectRoleArn
        if (v === undefined && sa.configOnly.has('aws'))
          outcomes.push(
            found(
              'identity-unverified',
              { sa: ref, annotation: IRSA_ANNOTATION, evidence: clouds.aws ?? '' },
              { location: loc },
            ),
          )
        else if (v === undefined)
          outcomes.push(
            found(
              'irsa-missing',
              { ...vars, evidence: clouds.aws },
              {
                location: loc,
                commands: {
                  'auth.check-sa-annotations': annotate(
                    IRSA_ANNOTATION,
                    expected ?? 'arn:aws:iam::<account-id>:role/<role-name>',
                  ),
                },
              },
            ),
          )
        else if (!ROLE_ARN.test(v.trim()))
          outcomes.push(found('irsa-malformed', { sa: ref, value: v }, { location: loc }))
        else if (expected && expected !== v.trim())
          outcomes.push(
            found(
              'irsa-role-mismatch',
              { sa: ref, value: v, expected },
              {
                location: loc,
                commands: { 'auth.check-sa-annotations': annotate(IRSA_ANNOTATION, expected) },
              },
            ),
          )
        else checked.push(IRSA_ANNOTATION)
      }
      if (clouds.gcp) {
        const v = a[GKE_ANNOTATION]
        const project = config.gcp.project ?? '<project>'
        if (v === undefined && sa.configOnly.has('gcp'))
          outcomes.push(
            found(
              'identity-unverified',
              { sa: ref, annotation: GKE_ANNOTATION, evidence: clouds.gcp ?? '' },
              { location: loc },
            ),
          )
        else if (v === undefined)
          outcomes.push(
            found(
              'gke-missing',
              { ...vars, evidence: clouds.gcp },
              {
                location: loc,
                commands: {
                  'auth.check-sa-annotations': annotate(
                    GKE_ANNOTATION,
                    `<gsa-name>@${project}.iam.gserviceaccount.com`,
                  ),
                },
              },
            ),
          )
        else if (!GSA.test(v.trim()))
          outcomes.push(found('gke-malformed', { sa: ref, value: v }, { location: loc }))
        else checked.push(GKE_ANNOTATION)
      }
      if (clouds.azure) {
        const v = a[AZURE_ANNOTATION]
        if (v === undefined && sa.configOnly.has('azure'))
          outcomes.push(
            found(
              'identity-unverified',
              { sa: ref, annotation: AZURE_ANNOTATION, evidence: clouds.azure ?? '' },
              { location: loc },
            ),
          )
        else if (v === undefined)
          outcomes.push(
            found(
              'azure-missing',
              { ...vars, evidence: clouds.azure },
              {
                location: loc,
                commands: {
                  'auth.check-sa-annotations': annotate(
                    AZURE_ANNOTATION,
                    config.azure.clientId ?? '<client-id>',
                  ),
                },
              },
            ),
          )
        else if (!GUID.test(v.trim()))
          outcomes.push(found('azure-malformed', { sa: ref, value: v }, { location: loc }))
        else checked.push(AZURE_ANNOTATION)
        if (
          sa.workload &&
          !sa.configOnly.has('azure') &&
          sa.workload.templateMeta.labels?.[AZURE_LABEL] !== 'true'
        )
          outcomes.push(
            found('azure-label-missing', { workload: sa.workload.ref }, { location: sa.workload.location }),
          )
      }
      if (checked.length)
        details.push(`${ref}: ${checked.join(', ')} well-formed (${[...sa.clouds.values()].join('; ')})`)

      // Pods keep the identity env/volumes they were admitted with.
      if (inv.source === 'live')
        for (const key of checked) {
          const changed = annotationChanged(obj, key)
          if (!changed) continue
          for (const w of workloads(inv, config)) {
            if ((w.podSpec.serviceAccountName ?? 'default') !== sa.name || w.namespace !== sa.ns) continue
            const old = podsOf(inv, w).filter(
              (p) => (podStarted(p)?.getTime() ?? Infinity) < changed.getTime(),
            )
            if (old.length)
              outcomes.push(
                found(
                  'pods-predate-annotation',
                  { count: old.length, workload: w.ref, annotation: key, sa: ref },
                  {
                    items: old.map((p) => ({
                      name: `Pod/${sa.ns}/${p.metadata.name}`,
                      detail: `started ${podStarted(p)?.toISOString()}, annotation changed ${changed.toISOString()}`,
                    })),
                    commands: {
                      'k8s.rollout-restart': [restartCommand(w)],
                    },
                  },
                ),
              )
          }
        }
    }
    return outcomes.length > 0 ? outcomes : pass('workload-identity annotations in place', details)
  },
})
