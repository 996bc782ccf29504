import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import {
  describeFile,
  noneJudged,
  notJudged,
  octal,
  secretFiles,
  shellQuote,
  type SecretFile,
  NO_SECRET_FILES,
} from './lib/secret-files.js'

const OTHER_RW = 0o006
// Group bits, and `o+x` (harmless alone, but not "0600 or stricter").
const LOOSER_THAN_0600 = 0o071

/** The agent re-creates its files with the mode its config declares: a chmod alone is undone at the next write. */
function agentNote(f: SecretFile): string {
  if (f.template) {
    const perms = f.template.perms
    if (perms === undefined)
      return '; its template sets no perms, so the next render undoes a chmod: add perms = "0600"'
    if (perms & 0o077) return `; its template sets perms = "${octal(perms)}": change it to "0600"`
  }
  if (f.sink) {
    const mode = f.sink.mode
    if (mode === undefined) return "; its sink sets no mode (Vault's default is 0640): add mode = 0600"
    if (mode & 0o077) return `; its sink sets mode = ${octal(mode)}: change it to 0600`
  }
  return ''
}

export default defineCheck({
  id: 'node.env-file-perms',
  title: 'Secret files on the node are readable by their owner only (0600)',
  description:
    'Env files, Vault agent token sinks and rendered templates hold credentials in plain text. Readable by ' +
    'other users, they leak to every process and account on the node; the Vault agent writes templates 0644 ' +
    'and sinks 0640 unless told otherwise (`perms = "0600"`, `mode = 0600`).',
  provider: 'node',
  category: 'config',
  network: false,
  findings: {
    'world-accessible': {
      status: 'fail',
      severity: 'high',
      message: '{{count}} secret {{files}} open to every user on the node: {{paths}}',
      remedies: ['pattern.file-perms'],
    },
    'group-accessible': {
      status: 'warn',
      severity: 'medium',
      message: '{{count}} secret {{files}} looser than 0600 (group access): {{paths}}',
      remedies: ['pattern.file-perms'],
    },
  },
  async run({ node, config }) {
    const { files } = await secretFiles(node, config, { sinks: true })
    if (!files.length) return skip('not-applicable', NO_SECRET_FILES)
    const world: Item[] = []
    const group: Item[] = []
    const ok: string[] = []
    const notJudgedHere: string[] = []
    const infos = []
    for (const f of files) {
      const info = await node.fileInfo(f.path)
      infos.push(info)
      // A missing file, or one that is not a regular file, is node.env-vars' finding; here nothing to judge.
      if (!info || !info.isFile) {
        notJudgedHere.push(notJudged(f.path, info))
        continue
      }
      const mode = octal(info.mode)
      const item = (why: string): Item => ({
        name: f.path,
        detail: `${mode} (${why}) — ${describeFile(f)}${agentNote(f)}`,
        location: { file: f.path },
      })
      if (info.mode & OTHER_RW) world.push(item(info.mode & 0o002 ? 'writable by all' : 'readable by all'))
      else if (info.mode & LOOSER_THAN_0600) group.push(item(info.mode & 0o070 ? 'group access' : 'o+x'))
      else ok.push(`${f.path}: ${mode} — ${describeFile(f)}`)
    }
    if (notJudgedHere.length === files.length)
      return skip(
        'not-applicable',
        noneJudged(
          files.map((f) => f.path),
          infos,
        ),
      )
    const outcomes: Outcome<'world-accessible' | 'group-accessible'>[] = []
    for (const [finding, items] of [
      ['world-accessible', world],
      ['group-accessible', group],
    ] as const) {
      if (!items.length) continue
      outcomes.push(
        found(
          finding,
          {
            count: items.length,
            files: items.length === 1 ? 'file is' : 'files are',
            paths: items.map((i) => i.name).join(', '),
          },
          {
            items,
            location: items[0]?.location,
            commands: { 'pattern.file-perms': items.map((i) => `chmod 600 ${shellQuote(i.name)}`) },
            ...(outcomes.length || !notJudgedHere.length ? {} : { details: notJudgedHere }),
          },
        ),
      )
    }
    if (outcomes.length) return outcomes
    return pass(`${ok.length} secret file${ok.length === 1 ? ' is' : 's are'} 0600 or stricter`, [
      ...ok,
      ...notJudgedHere,
    ])
  },
})
