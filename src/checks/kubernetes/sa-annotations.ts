import type { ResolvedConfig } from '../../providers/index.js'
import type { Inventory, KObject } from '../../providers/kubernetes/api.js'
import {
  AZURE_ANNOTATION,
  AZURE_LABEL,
  GKE_ANNOTATION,
  IRSA_ANNOTATION,
  annotationChanged,
  annotations,
  credentialEvidence,
  findObject,
  identityServiceAccounts,
  podStarted,
  podsOf,
  restartCommand,
  serviceAccountOf,
  workloads,
  type Cloud,
  type IdentityAccount,
} from '../../providers/kubernetes/model.js'
import { defineCheck, found, pass, skip, type Outcome } from '../define.js'

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

/** What each cloud's workload identity needs, and what the doctor can know when the annotation is missing. */
interface CloudRule {
  readonly name: string
  readonly annotation: string
  readonly missing: Key
  readonly malformed: Key
  readonly form: RegExp
  /** The value the fix command suggests. */
  readonly example: (config: ResolvedConfig) => string
  /**
   * The least the pods must show for "no other credential source" to be verified: running pods (admission
   * webhooks that add other credentials — EKS Pod Identity — act on associations that are not Kubernetes
   * objects), pod templates (Azure: the webhook only adds what the ServiceAccount and pod say), or never
   * (GKE: IAM may grant the Kubernetes service account directly, with no annotation and nothing in the pod).
   */
  readonly proof?: 'running pods' | 'pod templates'
  /** identity-unverified: what else could be going on. */
  readonly hedge: string
}

const RULES: Readonly<Record<Cloud, CloudRule>> = {
  aws: {
    name: 'AWS',
    annotation: IRSA_ANNOTATION,
    missing: 'irsa-missing',
    malformed: 'irsa-malformed',
    form: ROLE_ARN,
    example: (c) => c.aws.expectRoleArn ?? 'arn:aws:iam::<account-id>:role/<role-name>',
    proof: 'running pods',
    hedge:
      'unless the pod gets AWS credentials another way (EKS Pod Identity, an access key), it runs as the node’s IAM role',
  },
  gcp: {
    name: 'Google Cloud',
    annotation: GKE_ANNOTATION,
    missing: 'gke-missing',
    malformed: 'gke-malformed',
    form: GSA,
    example: (c) => `<gsa-name>@${c.gcp.project ?? '<project>'}.iam.gserviceaccount.com`,
    hedge:
      'unless IAM grants this Kubernetes service account directly (Workload Identity Federation for GKE) or the pod has a key file, it runs as the node’s service account',
  },
  azure: {
    name: 'Azure',
    annotation: AZURE_ANNOTATION,
    missing: 'azure-missing',
    malformed: 'azure-malformed',
    form: GUID,
    example: (c) => c.azure.clientId ?? '<client-id>',
    proof: 'pod templates',
    hedge:
      'unless the pod gets Azure credentials another way (a service principal secret or certificate), it runs as the node’s managed identity',
  },
}

const missing = (cloud: string, annotation: string) =>
  ({
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: `{{sa}} has no ${annotation} annotation, but {{why}} (${cloud} in use: {{evidence}})`,
    remedies: ['auth.check-sa-annotations', 'auth.verify-iam'],
  }) as const

const malformed = (annotation: string, form: string) =>
  ({
    status: 'fail',
    severity: 'critical',
    symptom: 'permission-denied',
    message: `{{sa}}: ${annotation} is "{{value}}", not ${form}`,
    remedies: ['auth.check-sa-annotations'],
  }) as const

export default defineCheck({
  id: 'k8s.sa-annotations',
  title: 'Service accounts carry well-formed workload-identity annotations for the cloud in use',
  description:
    'IRSA, GKE workload identity and Azure workload identity bind a Kubernetes service account to a cloud ' +
    'identity through an annotation (and, for Azure, a pod label). Missing or malformed, the pod silently falls ' +
    'back to the node’s identity or none, and secret reads fail with "permission denied". When only the doctor ' +
    'config says a cloud is in use, the pods decide: running pods that get no credentials another way (no ' +
    'Pod Identity, no access key, no service principal) prove the missing annotation. Pods keep the identity ' +
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
      message: `{{sa}}: ${IRSA_ANNOTATION} is {{value}}, but aws.expectRoleArn is {{expected}}`,
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
      message: '{{sa}} has no {{annotation}} annotation while {{evidence}}: {{hedge}}',
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
      const obj = findObject(inv, 'ServiceAccount', sa.ns, sa.name)
      if (!obj) {
        details.push(
          `ServiceAccount/${sa.ns}/${sa.name}: not visible (${sa.why}); its annotations were not checked`,
        )
        continue
      }
      const judge = new Judge(inv, config, sa, obj)
      const checked = (['aws', 'gcp', 'azure'] as const).flatMap((cloud) => judge.cloud(cloud))
      outcomes.push(...judge.outcomes, ...predating(inv, config, sa, obj, checked))
      details.push(...judge.details)
      if (checked.length)
        details.push(
          `ServiceAccount/${sa.ns}/${sa.name}: ${checked.join(', ')} well-formed (${[...sa.clouds.values()].join('; ')})`,
        )
    }
    return outcomes.length > 0 ? outcomes : pass('workload-identity annotations in place', details)
  },
})

/** Judges one ServiceAccount cloud by cloud, collecting findings and the evidence that passed. */
class Judge {
  readonly outcomes: Outcome<Key>[] = []
  readonly details: string[] = []
  private readonly ref: string
  private readonly annotations: Readonly<Record<string, string>>

  constructor(
    private readonly inv: Inventory,
    private readonly config: ResolvedConfig,
    private readonly sa: IdentityAccount,
    private readonly obj: KObject,
  ) {
    this.ref = `ServiceAccount/${sa.ns}/${sa.name}`
    this.annotations = annotations(obj)
  }

  /** The annotations checked and well-formed for `cloud` (none when it is not in use or found wanting). */
  cloud(cloud: Cloud): string[] {
    const evidence = this.sa.clouds.get(cloud)
    if (!evidence) return []
    const rule = RULES[cloud]
    const value = this.annotations[rule.annotation]
    const loc = this.obj.location
    const labelled = cloud !== 'azure' || this.azureLabel()
    if (value === undefined) {
      this.missingAnnotation(cloud, rule, evidence)
      return []
    }
    if (!rule.form.test(value.trim())) {
      this.outcomes.push(found(rule.malformed, { sa: this.ref, value }, { location: loc }))
      return []
    }
    const expected = cloud === 'aws' ? this.config.aws.expectRoleArn : undefined
    if (expected && expected !== value.trim()) {
      const commands = { 'auth.check-sa-annotations': this.annotate(rule.annotation, expected) }
      this.outcomes.push(
        found('irsa-role-mismatch', { sa: this.ref, value, expected }, { location: loc, commands }),
      )
      return []
    }
    return labelled ? [rule.annotation] : []
  }

  private annotate(key: string, value: string): string[] {
    return [`kubectl -n ${this.sa.ns} annotate serviceaccount ${this.sa.name} --overwrite ${key}=${value}`]
  }

  /** No annotation: a fail where the evidence settles it, the hedge where it does not. */
  private missingAnnotation(cloud: Cloud, rule: CloudRule, evidence: string): void {
    const loc = this.obj.location
    const fail = (why: string): void => {
      const fix = this.annotate(rule.annotation, rule.example(this.config))
      this.outcomes.push(
        found(
          rule.missing,
          { sa: this.ref, why, evidence },
          { location: loc, commands: { 'auth.check-sa-annotations': fix } },
        ),
      )
    }
    if (!this.sa.podsDecide.has(cloud)) return fail(this.sa.why)
    const ev = credentialEvidence(this.inv, this.config, this.sa, cloud)
    if (ev.other) {
      this.details.push(
        `${this.ref}: no ${rule.annotation}; its ${ev.from} get ${rule.name} credentials from ${ev.other}`,
      )
      return
    }
    const settled =
      rule.proof !== undefined &&
      !ev.unknown &&
      (rule.proof === 'pod templates' || ev.from === 'running pods')
    if (settled) return fail(`its ${ev.from} get no ${rule.name} credentials any other way`)
    this.outcomes.push(
      found(
        'identity-unverified',
        { sa: this.ref, annotation: rule.annotation, evidence, hedge: rule.hedge },
        { location: loc, details: ev.unknown ? [ev.unknown] : [] },
      ),
    )
  }

  /**
   * The Azure webhook acts only on pods labelled azure.workload.identity/use: "true". Missing where workload
   * identity is the way in (a class or store uses it, or nothing else gives the pod Azure credentials), the
   * label is a finding of its own, beside a missing annotation: both are needed. True when it is in order.
   */
  private azureLabel(): boolean {
    const w = this.sa.workload
    if (!w || w.templateMeta.labels?.[AZURE_LABEL] === 'true') return true
    const ev = this.sa.podsDecide.has('azure')
      ? credentialEvidence(this.inv, this.config, this.sa, 'azure')
      : undefined
    if (ev?.other || ev?.unknown) return true
    this.outcomes.push(found('azure-label-missing', { workload: w.ref }, { location: w.location }))
    return false
  }
}

/** Pods keep the identity env and volumes they were admitted with: those started before the annotation changed. */
function predating(
  inv: Inventory,
  config: ResolvedConfig,
  sa: IdentityAccount,
  obj: KObject,
  checked: readonly string[],
): Outcome<Key>[] {
  if (inv.source !== 'live') return []
  const out: Outcome<Key>[] = []
  const ref = `ServiceAccount/${sa.ns}/${sa.name}`
  for (const key of checked) {
    const changed = annotationChanged(obj, key)
    if (!changed) continue
    for (const w of workloads(inv, config)) {
      if (serviceAccountOf(w.podSpec) !== sa.name || w.namespace !== sa.ns) continue
      const old = podsOf(inv, w).filter((p) => (podStarted(p)?.getTime() ?? Infinity) < changed.getTime())
      if (old.length)
        out.push(
          found(
            'pods-predate-annotation',
            { count: old.length, workload: w.ref, annotation: key, sa: ref },
            {
              items: old.map((p) => ({
                name: `Pod/${sa.ns}/${p.metadata.name}`,
                detail: `started ${podStarted(p)?.toISOString()}, annotation changed ${changed.toISOString()}`,
              })),
              commands: { 'k8s.rollout-restart': [restartCommand(w)] },
            },
          ),
        )
    }
  }
  return out
}
