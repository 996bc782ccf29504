// A loopback Kubernetes API server: HTTPS with a generated CA, bearer-token auth, discovery (/version, /api,
// /apis, /apis/<group>, resource lists), typed GETs and label-selector lists (with limit/continue) for the
// kinds the doctor reads, including the External Secrets and Secrets Store CSI CRDs, SelfSubjectAccessReview
// and SelfSubjectReview, and `Status` bodies for 401/403/404 as research/wire-protocols.md §4 records them.
// The request handling is in kubernetes/handler.ts, the catalogue and discovery documents in
// kubernetes/resources.ts, the label-selector parser in kubernetes/selector.ts.
import { startLoopbackServer, type LoopbackServer } from './server.js'
import { handleKube } from './kubernetes/handler.js'
import { defaultKubeState, type KubeSimState } from './kubernetes/state.js'
import { createCA, issueCertificate, type CertificateAuthority } from './tls.js'

export { defaultKubeState, type KubeSimState, type RawObject } from './kubernetes/state.js'

export interface KubeSim {
  readonly url: string
  readonly server: LoopbackServer
  readonly ca: CertificateAuthority
  readonly state: KubeSimState
  /** A kubeconfig (YAML) for this server: CA data, the token, the namespace. */
  kubeconfig(options?: { namespace?: string; token?: string; context?: string; trustCa?: boolean }): string
  close(): Promise<void>
}

// Key generation dominates start-up; one CA and leaf per process is as faithful and much faster.
let tlsCache: { ca: CertificateAuthority; leaf: ReturnType<typeof issueCertificate> } | undefined
function sandboxTls(now: Date) {
  if (!tlsCache) {
    const ca = createCA('edge-secrets kubernetes sandbox CA', now)
    tlsCache = { ca, leaf: issueCertificate(ca, { hosts: ['localhost', '127.0.0.1'] }) }
  }
  return tlsCache
}

export async function startKubeSim(initial: Partial<KubeSimState> = {}, now = new Date()): Promise<KubeSim> {
  const state = defaultKubeState(initial)
  const { ca, leaf } = sandboxTls(now)
  const server = await startLoopbackServer((r) => handleKube(state, r), {
    tls: { certPem: leaf.certPem, keyPem: leaf.keyPem },
  })
  return {
    url: server.url,
    server,
    ca,
    state,
    kubeconfig: (o = {}) =>
      kubeconfigYaml(
        server.url,
        ca.certPem,
        o.token ?? state.token,
        o.namespace ?? 'expanso-system',
        o.context ?? 'sandbox',
        o.trustCa ?? true,
      ),
    close: () => server.close(),
  }
}

export function kubeconfigYaml(
  server: string,
  caPem: string,
  token: string,
  namespace: string,
  context: string,
  trustCa: boolean,
): string {
  const cluster = trustCa ? `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}\n` : ''
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${server}`,
    cluster.trimEnd(),
    'users:',
    '- name: edge-doctor',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    `    cluster: ${context}`,
    '    user: edge-doctor',
    `    namespace: ${namespace}`,
    `current-context: ${context}`,
    '',
  ]
    .filter((l) => l !== '')
    .join('\n')
    .concat('\n')
}
