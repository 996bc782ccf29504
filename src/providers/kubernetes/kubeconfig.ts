// Where the doctor finds its way into the cluster: the kubeconfig (kubernetes.kubeconfig, KUBECONFIG,
// ~/.kube/config) or, inside a pod, the service account's token and CA. Every file the kubeconfig names (CA,
// client certificate and key, token file) is read here through core/files and inlined, so nothing reads one
// later on its own: a FIFO or a device where a certificate should be is an error naming the path, not a
// hang. auth.ts turns the result into request credentials.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join } from 'node:path'
import { InputFileError, readInput, readOptionalInput, type InputKind } from '../../core/files.js'
import { ProviderError } from '../../core/provider.js'
import { oneLine } from '../../core/text.js'
import { connection, type Connection, type Doc, type Session } from './auth.js'

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'

const invalid = (message: string) => new ProviderError('kubernetes', 'invalid', message)

export async function connect(session: Session): Promise<Connection> {
  const k = session.config.kubernetes
  // KUBECONFIG may name a file that is not there inside a pod; the service account is then the way in.
  const inCluster = !!session.env.KUBERNETES_SERVICE_HOST && !(k.kubeconfig && existsSync(k.kubeconfig))
  const doc = inCluster ? await inClusterDoc(session.env) : await kubeconfigDoc(k.kubeconfig, session.env)
  return connection(doc, session, inCluster ? 'in-cluster' : 'kubeconfig')
}

async function kubeconfigDoc(configured: string | undefined, env: NodeJS.ProcessEnv): Promise<Doc> {
  const path = configured ?? join(env.HOME ?? homedir(), '.kube', 'config')
  let text: string | undefined
  try {
    text = await readOptionalInput(path, 'credentials file')
  } catch (e) {
    throw invalid(`cannot load the kubeconfig: ${(e as Error).message}`)
  }
  if (text === undefined)
    throw invalid(
      configured
        ? `cannot load the kubeconfig: ${configured} does not exist`
        : 'no kubeconfig found (KUBECONFIG unset, ~/.kube/config missing, not running in a pod)',
    )
  const { parse } = await import('yaml')
  let doc: unknown
  try {
    doc = parse(text, { maxAliasCount: 100 })
  } catch (e) {
    throw invalid(`the kubeconfig ${path} does not parse: ${oneLine((e as Error).message, 200)}`)
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw invalid(`the kubeconfig ${path} is not a kubeconfig (no clusters, users, contexts)`)
  await inlineFiles(doc as Doc, dirname(path))
  return doc as Doc
}

/** The files a kubeconfig entry may name, and the `-data` field each becomes. */
const FILE_FIELDS: readonly (readonly [
  list: string,
  entry: string,
  file: string,
  data: string,
  kind: InputKind,
])[] = [
  ['clusters', 'cluster', 'certificate-authority', 'certificate-authority-data', 'CA file'],
  ['users', 'user', 'client-certificate', 'client-certificate-data', 'credentials file'],
  ['users', 'user', 'client-key', 'client-key-data', 'credentials file'],
]

async function inlineFiles(doc: Doc, dir: string): Promise<void> {
  const entries = (list: string) =>
    (Array.isArray(doc[list]) ? (doc[list] as unknown[]) : []).flatMap((e) =>
      e && typeof e === 'object' ? [e as Doc] : [],
    )
  const read = async (path: unknown, kind: InputKind) => {
    const file = isAbsolute(String(path)) ? String(path) : join(dir, String(path))
    try {
      return await readInput(file, kind)
    } catch (e) {
      throw invalid(`the kubeconfig names ${file}: ${e instanceof InputFileError ? e.message : String(e)}`)
    }
  }
  for (const [list, key, file, data, kind] of FILE_FIELDS)
    for (const e of entries(list)) {
      const fields = e[key] as Doc | undefined
      if (!fields || typeof fields[file] !== 'string') continue
      fields[data] = Buffer.from(await read(fields[file], kind)).toString('base64')
      delete fields[file]
    }
  for (const e of entries('users')) {
    const fields = e.user as Doc | undefined
    if (!fields || typeof fields['token-file'] !== 'string' || fields.token) continue
    fields.token = (await read(fields['token-file'], 'token file')).trim()
    delete fields['token-file']
  }
}

/** The service account's own way in, as a kubeconfig: the API server from the environment, token and CA. */
async function inClusterDoc(env: NodeJS.ProcessEnv): Promise<Doc> {
  const host = env.KUBERNETES_SERVICE_HOST ?? ''
  const port = env.KUBERNETES_SERVICE_PORT ?? '443'
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  let token: string
  let ca: string | undefined
  try {
    token = (await readInput(`${SERVICE_ACCOUNT_DIR}/token`, 'token file')).trim()
    ca = await readOptionalInput(`${SERVICE_ACCOUNT_DIR}/ca.crt`, 'CA file')
  } catch (e) {
    throw invalid(`running in a pod (KUBERNETES_SERVICE_HOST is set), but ${(e as Error).message}`)
  }
  return {
    clusters: [
      {
        name: 'in-cluster',
        cluster: {
          server,
          ...(ca ? { 'certificate-authority-data': Buffer.from(ca).toString('base64') } : {}),
        },
      },
    ],
    users: [{ name: 'in-cluster', user: { token } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster' } }],
    'current-context': 'in-cluster',
  }
}
