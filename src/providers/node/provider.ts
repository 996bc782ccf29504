// The machine the agent runs on: files, modes, mounts, processes, environment. No SDK; everything here is
// local and cheap, and memoized per run because several checks look at the same files. Values read from env
// files are registered with the redactor the moment they are read (model.ts).
import { defineProvider, memoByKey, once, type ProviderSession } from '../../core/provider.js'
import type { EnvFile, FileRead, NodeApi, NodeInputKind } from './api.js'
import { fileInfo, readKind } from './files.js'
import { parseEnvText } from './model.js'
import { processAlive, processArgs, readMounts } from './system.js'

/** Where the mount table is; a test or a container without /proc may point elsewhere. */
const mountTableOf = (env: NodeJS.ProcessEnv) => env.EDGE_SECRETS_MOUNTS_FILE ?? '/proc/self/mounts'

function create(session: ProviderSession): NodeApi {
  const read = memoByKey((key: string) => {
    const [kind, path] = key.split('\0') as [NodeInputKind, string]
    return readKind(path, kind)
  })
  const readText = (path: string, kind: NodeInputKind) => read(`${kind}\0${path}`)
  return {
    fileInfo: memoByKey(fileInfo),
    readText,
    readEnvFile: memoByKey(async (path): Promise<FileRead<EnvFile>> => {
      const r = await readText(path, 'env file')
      return r.ok ? { ok: true, value: parseEnvText(path, r.value) } : r
    }),
    mounts: once(() => readMounts(mountTableOf(session.env))),
    processAlive: async (pid) => processAlive(pid),
    processArgs,
    env: (name) => session.env[name],
  }
}

export default defineProvider({
  id: 'node',
  title: 'Node',
  // The node is always there; its checks decide for themselves whether there is anything to look at.
  configured: () => true,
  notConfigured: 'the node is always configured',
  create,
})
