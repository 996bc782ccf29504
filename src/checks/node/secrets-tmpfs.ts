import { defineCheck, found, pass, skip, type Item } from '../define.js'
import { mountOf } from '../../providers/node/model.js'
import { describeFile, noneJudged, secretFiles, NO_SECRET_FILES } from './lib/secret-files.js'

const MEMORY_FS = new Set(['tmpfs', 'ramfs'])

export default defineCheck({
  id: 'node.secrets-tmpfs',
  title: 'Secret files live on tmpfs, not persistent disk',
  description:
    'A secret written to disk outlives the process that needed it: it stays in backups, disk images and ' +
    'the blocks of a decommissioned device long after rotation. On tmpfs (a Kubernetes `emptyDir` with ' +
    '`medium: Memory`, or /run) it exists only in memory and disappears at reboot.',
  provider: 'node',
  category: 'config',
  network: false,
  findings: {
    'persistent-disk': {
      status: 'warn',
      severity: 'medium',
      message: '{{count}} secret {{files}} on persistent disk: {{paths}}',
      remedies: ['pattern.tmpfs'],
    },
  },
  async run({ node, config }) {
    const { files } = await secretFiles(node, config, { sinks: true })
    if (!files.length) return skip('not-applicable', NO_SECRET_FILES)
    const present = []
    const infos = []
    for (const f of files) {
      const info = await node.fileInfo(f.path)
      infos.push(info)
      if (info?.isFile) present.push({ ...f, realPath: info.realPath })
    }
    if (!present.length)
      return skip(
        'not-applicable',
        noneJudged(
          files.map((f) => f.path),
          infos,
        ),
      )
    const mounts = await node.mounts()
    if (!mounts.length)
      return skip(
        'not-applicable',
        'no mount table on this system (/proc/self/mounts): cannot tell which filesystem holds the files',
      )
    const onDisk: Item[] = []
    const inMemory: string[] = []
    const unknown: string[] = []
    for (const f of present) {
      const m = mountOf(f.realPath, mounts)
      if (!m) {
        unknown.push(`${f.path}: no mount found (not judged)`)
        continue
      }
      const where = `${m.mountPoint} (${m.fsType})`
      if (MEMORY_FS.has(m.fsType)) inMemory.push(`${f.path}: ${where} — ${describeFile(f)}`)
      else
        onDisk.push({ name: f.path, detail: `on ${where} — ${describeFile(f)}`, location: { file: f.path } })
    }
    if (onDisk.length)
      return found(
        'persistent-disk',
        {
          count: onDisk.length,
          files: onDisk.length === 1 ? 'file is' : 'files are',
          paths: onDisk.map((i) => i.name).join(', '),
        },
        { items: onDisk, location: onDisk[0]?.location, ...(unknown.length ? { details: unknown } : {}) },
      )
    if (!inMemory.length) return skip('not-applicable', 'no mount found for the secret files')
    return pass(`${inMemory.length} secret file${inMemory.length === 1 ? ' is' : 's are'} on tmpfs`, [
      ...inMemory,
      ...unknown,
    ])
  },
})
