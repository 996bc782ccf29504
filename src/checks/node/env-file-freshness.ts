import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import type { ResolvedConfig } from '../../providers/index.js'
import { formatDuration } from '../../core/duration.js'
import type { SourceChange } from '../../core/recorder.js'
import { agentTemplateRefs, DEFAULT_STATIC_RENDER_INTERVAL_MS } from '../../providers/vault/agent-config.js'
import {
  describeFile,
  noneJudged,
  notJudged,
  secretFiles,
  templateSource,
  type SecretFile,
} from './lib/secret-files.js'

type Finding = 'stale-copy' | 'possibly-stale' | 'old-file' | 'future-mtime'

/** Filesystem timestamps and server clocks are seconds apart at worst; a minute is not a clock problem. */
const FUTURE_TOLERANCE_MS = 60_000
/** How long a writer may take to pick up a change before the copy counts as stale (plus the agent's interval). */
const PICKUP_GRACE_MS = 60_000

/** `secret/data/expanso/pipeline` and `secret/expanso/pipeline` name the same KV v2 secret. */
const vaultKey = (p: string) =>
  (p.split('?')[0] as string)
    .replace(/^\/?(v1\/)?/, '')
    .replace(/^([^/]+)\/data\//, '$1/')
    .replace(/\/$/, '')

function sameSecret(provider: string, a: string, b: string): boolean {
  if (a === b) return true
  switch (provider) {
    case 'vault':
      return vaultKey(a) === vaultKey(b)
    case 'aws':
      // An ARN ends in `:secret:<name>-<6 random characters>`.
      return [a, b].some((x, i) => x.startsWith('arn:') && x.includes(`:secret:${i ? a : b}-`))
    default:
      return a.endsWith(`/${b}`) || b.endsWith(`/${a}`)
  }
}

/** The keys the doctor config says a secret holds: the names an env file would carry them under. */
function configuredKeys(config: ResolvedConfig, change: SourceChange): readonly string[] | undefined {
  const match = <T>(list: readonly T[], id: (t: T) => string) =>
    list.find((s) => sameSecret(change.provider, id(s), change.secret))
  switch (change.provider) {
    case 'vault':
      return match(config.vault.secrets, (s) => s.path)?.keys
    case 'aws':
      return match(config.aws.secrets, (s) => s.id)?.keys
    case 'gcp':
      return match(config.gcp.secrets, (s) => s.name)?.keys
    case 'azure': {
      const s = match(config.azure.secrets, (x) => x.name)
      return s ? (s.keys.length ? s.keys : [s.name]) : undefined
    }
    default:
      return undefined
  }
}

const envName = (key: string) => key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')
const describeChange = (c: SourceChange) => `${c.provider} ${c.secret}`
const newest = (cs: readonly SourceChange[]) =>
  cs.reduce((a, b) => (b.changedAt.getTime() > a.changedAt.getTime() ? b : a))

export default defineCheck({
  id: 'node.env-file-freshness',
  title: 'Rendered secret files are current with their source',
  description:
    'A secret rotated at its source reaches the pipeline only when the file it reads is rewritten. A file ' +
    'older than the last change at the source is a stale copy: the pipeline keeps the old credential until ' +
    'it breaks. A file that is merely old may be fine (the source has not changed) or a sign that its writer ' +
    'has stopped; the doctor says which when a provider check recorded when the secret last changed. (The ' +
    'edge agent reads its env once, at start: a fresh file needs a restart to take effect.)',
  provider: 'node',
  category: 'refresh',
  network: false,
  runsLast: true,
  findings: {
    'stale-copy': {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message:
        '{{paths}} {{is}} older than the last change of {{secrets}} at the source: the pipeline reads the old value',
      remedies: ['refresh.check-interval', 'refresh.verify-restarts', 'refresh.restart-agent'],
    },
    'possibly-stale': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message:
        '{{paths}} {{was}} written before {{secrets}} last changed at the source; the doctor cannot tell whether {{it}} holds that secret',
      remedies: ['refresh.check-interval', 'refresh.restart-agent'],
    },
    'old-file': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message:
        '{{paths}} last written {{age}} ago, beyond maxStaleness ({{max}}): either the source has not changed since, or whatever renders {{it}} has stopped',
      remedies: ['refresh.check-interval', 'refresh.verify-restarts', 'refresh.monitor-rotation'],
    },
    'future-mtime': {
      status: 'warn',
      severity: 'low',
      message: "{{paths}} modified {{ahead}} in the future: this node's clock or the writer's clock is off",
      remedies: ['node.sync-clock'],
    },
  },
  async run({ node, config, recorder, now }) {
    const { files, agent } = await secretFiles(node, config, { sinks: false })
    if (!files.length)
      return skip(
        'not-applicable',
        'no rendered secret files configured: no pipeline.envFiles and no Vault agent templates',
      )
    const templatePaths = new Map<string, string[]>()
    if (agent.kind === 'ok') {
      const { refs } = await agentTemplateRefs(agent.agent, (p) => templateSource(node, p))
      for (const r of refs) {
        const dest = r.template.destination
        if (dest) templatePaths.set(dest, [...(templatePaths.get(dest) ?? []), ...r.paths])
      }
    }
    const renderEvery =
      (agent.kind === 'ok' ? agent.agent.staticSecretRenderIntervalMs : undefined) ??
      DEFAULT_STATIC_RENDER_INTERVAL_MS
    const t = now().getTime()
    const max = config.pipeline.maxStalenessMs

    const relation = async (f: SecretFile, c: SourceChange): Promise<'yes' | 'no' | 'maybe'> => {
      const paths = templatePaths.get(f.path)
      if (paths)
        return c.provider === 'vault' && paths.some((p) => sameSecret('vault', p, c.secret)) ? 'yes' : 'no'
      const keys = configuredKeys(config, c)
      if (!keys?.length) return 'maybe'
      const env = await node.readEnvFile(f.path)
      // A file that was not read (node.env-vars says why) may hold anything.
      if (!env.ok) return 'maybe'
      const names = new Set(env.value.entries.map((e) => e.name))
      return keys.some((k) => names.has(envName(k))) ? 'yes' : 'no'
    }

    const items: Record<Finding, Item[]> = {
      'stale-copy': [],
      'possibly-stale': [],
      'old-file': [],
      'future-mtime': [],
    }
    const secrets: Record<'stale-copy' | 'possibly-stale', Set<string>> = {
      'stale-copy': new Set(),
      'possibly-stale': new Set(),
    }
    // Healthy files are worth listing on a pass; a finding shows its items and what limits the verdict.
    const healthy: string[] = []
    const notes: string[] = []
    let oldest = 0
    let furthestAhead = 0
    let judged = 0
    const infos = []
    for (const f of files) {
      const info = await node.fileInfo(f.path)
      infos.push(info)
      if (!info?.isFile) {
        notes.push(notJudged(f.path, info))
        continue
      }
      judged++
      const mtime = info.mtime.getTime()
      const age = t - mtime
      const label = describeFile(f)
      const item = (detail: string): Item => ({
        name: f.path,
        detail: `${detail} — ${label}`,
        location: { file: f.path },
      })
      if (-age > FUTURE_TOLERANCE_MS) {
        furthestAhead = Math.max(furthestAhead, -age)
        items['future-mtime'].push(
          item(`modified ${info.mtime.toISOString()}, ${formatDuration(-age)} ahead`),
        )
        continue
      }
      const related: SourceChange[] = []
      const maybe: SourceChange[] = []
      for (const c of recorder.sourceChanges) {
        const r = await relation(f, c)
        if (r === 'yes') related.push(c)
        else if (r === 'maybe') maybe.push(c)
      }
      const grace = PICKUP_GRACE_MS + (f.template ? renderEvery : 0)
      const after = (cs: SourceChange[]) => cs.filter((c) => c.changedAt.getTime() > mtime)
      const overdue = (cs: SourceChange[]) => cs.filter((c) => t - c.changedAt.getTime() > grace)
      const written = `written ${formatDuration(Math.max(age, 0))} ago`
      const staleBy = overdue(after(related))
      if (staleBy.length) {
        const c = newest(staleBy)
        staleBy.forEach((s) => secrets['stale-copy'].add(describeChange(s)))
        items['stale-copy'].push(
          item(`${written}; ${describeChange(c)} changed ${formatDuration(t - c.changedAt.getTime())} ago`),
        )
        continue
      }
      const pending = after(related)
      if (pending.length) {
        const c = newest(pending)
        healthy.push(
          `${f.path}: ${describeChange(c)} changed ${formatDuration(t - c.changedAt.getTime())} ago; the copy is due within ${formatDuration(grace)}`,
        )
        continue
      }
      if (related.length) {
        const c = newest(related)
        healthy.push(
          `${f.path}: ${written}; ${describeChange(c)} last changed before that (${formatDuration(t - c.changedAt.getTime())} ago), so the copy is current`,
        )
        continue
      }
      const maybeBy = overdue(after(maybe))
      if (maybeBy.length) {
        const c = newest(maybeBy)
        maybeBy.forEach((s) => secrets['possibly-stale'].add(describeChange(s)))
        items['possibly-stale'].push(
          item(`${written}; ${describeChange(c)} changed ${formatDuration(t - c.changedAt.getTime())} ago`),
        )
        continue
      }
      if (age > max) {
        oldest = Math.max(oldest, age)
        items['old-file'].push(item(`${written} (maxStaleness ${formatDuration(max)})`))
        continue
      }
      healthy.push(`${f.path}: ${written}, within maxStaleness (${formatDuration(max)})`)
    }
    if (!judged)
      return skip(
        'not-applicable',
        noneJudged(
          files.map((f) => f.path),
          infos,
          'rendered secret files',
        ),
      )
    if (!recorder.sourceChanges.length)
      notes.push(
        'no provider check recorded when a secret last changed: age is judged against maxStaleness alone',
      )

    const outcomes: Outcome<Finding>[] = []
    const paths = (list: Item[]) => list.map((i) => i.name).join(', ')
    const one = (list: Item[], a: string, b: string) => (list.length === 1 ? a : b)
    const add = (finding: Finding, vars: Record<string, string>) => {
      const list = items[finding]
      if (!list.length) return
      outcomes.push(
        found(
          finding,
          { paths: paths(list), ...vars },
          {
            items: list,
            location: list[0]?.location,
            ...(outcomes.length || !notes.length ? {} : { details: notes }),
          },
        ),
      )
    }
    add('stale-copy', {
      is: one(items['stale-copy'], 'is', 'are'),
      secrets: [...secrets['stale-copy']].join(', '),
    })
    add('possibly-stale', {
      was: one(items['possibly-stale'], 'was', 'were'),
      it: one(items['possibly-stale'], 'it', 'they'),
      secrets: [...secrets['possibly-stale']].join(', '),
    })
    add('old-file', {
      age: formatDuration(oldest),
      max: formatDuration(max),
      it: one(items['old-file'], 'it', 'them'),
    })
    add('future-mtime', { ahead: formatDuration(furthestAhead) })
    if (outcomes.length) return outcomes
    return pass(`${judged} rendered secret file${judged === 1 ? ' is' : 's are'} current`, [
      ...healthy,
      ...notes,
    ])
  },
})
