// Pure Google Secret Manager helpers, shared by the provider and its checks: resource names, identities, and
// the names of the calls a classified error carries in its `call` fact.

/** The `call` fact of an error on the way to the OAuth 2.0 token endpoint (a key exchange, a federation flow). */
export const TOKEN_CALL = 'token endpoint'
/** The `call` fact of an error on the way to the GCE/GKE metadata server. */
export const METADATA_CALL = 'metadata server'

/** `projects/<p>/secrets/<s>[/versions/<v>]`, or undefined for a short name. */
export function parseSecretName(
  name: string,
): { readonly project: string; readonly secret: string; readonly version?: string } | undefined {
  const m = /^projects\/([^/]+)\/secrets\/([^/]+)(?:\/versions\/([^/]+))?$/.exec(name)
  if (!m) return undefined
  return { project: m[1] as string, secret: m[2] as string, ...(m[3] ? { version: m[3] } : {}) }
}

/** The node's default service account: what a pod gets when Workload Identity is not in effect. */
export const isNodeServiceAccount = (email: string): boolean =>
  /^(\d+-compute@developer\.gserviceaccount\.com|[^@]+@appspot\.gserviceaccount\.com)$/.test(email)

/** How the token endpoint words an assertion outside its time window (the node's clock, not the key). */
export const isClockRejection = (description: string): boolean =>
  /reasonable timeframe|iat and exp|clock/i.test(description)

/** The Workload Identity member a Google service account must grant roles/iam.workloadIdentityUser to. */
export function workloadIdentityMember(principal: string, kubernetesServiceAccount?: string): string {
  const project = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(principal)?.[1] ?? 'PROJECT_ID'
  return `serviceAccount:${project}.svc.id.goog[${kubernetesServiceAccount ?? 'NAMESPACE/KSA_NAME'}]`
}
