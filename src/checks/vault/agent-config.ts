import { defineCheck, found, pass, skip, type Item, type Outcome } from '../define.js'
import { octalMode as octal } from '../../providers/vault/model.js'

type F =
  | 'missing'
  | 'invalid'
  | 'unreadable'
  | 'sink-perms'
  | 'template-perms'
  | 'template-unreadable'
  | 'destination-not-loaded'
  | 'address-mismatch'
  | 'role-mismatch'

const norm = (a: string) => a.replace(/\/+$/, '')

export default defineCheck<'vault', F>({
  id: 'vault.agent-config',
  title:
    'The Vault Agent config parses, writes 0600 files into the env file the pipeline loads, and agrees with the doctor',
  description:
    "The agent exits on an HCL error; a sink or template written with a wider mode exposes the token or secrets; a template rendered anywhere but the pipeline's env file never reaches it.",
  provider: 'vault',
  category: 'config',
  network: false,
  findings: {
    missing: {
      status: 'fail',
      severity: 'critical',
      message: 'the agent config {{path}} does not exist',
      remedies: ['vault.fix-agent-config'],
    },
    invalid: {
      status: 'fail',
      severity: 'critical',
      message: 'the agent config does not parse: {{error}}',
      remedies: ['vault.fix-agent-config'],
    },
    unreadable: {
      status: 'fail',
      severity: 'critical',
      message: 'the agent config cannot be read: {{reason}}',
      remedies: ['vault.fix-agent-config'],
    },
    'sink-perms': {
      status: 'warn',
      severity: 'high',
      message: 'token sink {{items}} is written wider than 0600',
      remedies: ['pattern.file-perms'],
    },
    'template-perms': {
      status: 'warn',
      severity: 'high',
      message: 'template output {{items}} is written wider than 0600',
      remedies: ['pattern.file-perms'],
    },
    'template-unreadable': {
      status: 'fail',
      severity: 'critical',
      message: 'template source {{files}} cannot be read: nothing renders',
      remedies: ['vault.fix-agent-config'],
    },
    'destination-not-loaded': {
      status: 'fail',
      severity: 'critical',
      message:
        'no template renders into the env file the pipeline loads ({{envFiles}}); templates write {{destinations}}',
      remedies: ['vault.template-destination', 'pattern.interpolation'],
    },
    'address-mismatch': {
      status: 'warn',
      severity: 'medium',
      message: 'the agent talks to {{agent}} but the doctor checks {{doctor}}',
      remedies: ['vault.align-configs'],
    },
    'role-mismatch': {
      status: 'warn',
      severity: 'medium',
      message: 'the agent logs in as {{agent}} but the doctor as {{doctor}}',
      remedies: ['vault.align-configs'],
    },
  },
  async run({ vault, config }) {
    const load = await vault.agent()
    if (load.status === 'none') return skip('not-applicable', 'no vault.agentConfig set')
    if (load.status === 'missing') return found('missing', { path: load.path })
    if (load.status === 'unreadable')
      return found('unreadable', { reason: load.message }, { location: { file: load.path } })
    if (load.status === 'invalid')
      return found(
        'invalid',
        { error: load.message },
        { location: { file: load.path, line: load.line, column: load.column } },
      )
    const a = load.config
    const out: Outcome<F>[] = []
    const file = a.file

    const sinks: Item[] = a.sinks
      .filter((s) => s.type === 'file' && ((s.mode ?? 0o640) & 0o077) !== 0)
      .map((s) => ({
        name: s.path ?? '(no path)',
        detail: s.mode === undefined ? 'mode unset (Vault default 0640)' : `mode ${octal(s.mode)}`,
        location: { file, line: s.line },
      }))
    if (sinks.length)
      out.push(
        found(
          'sink-perms',
          { items: sinks.map((i) => `${i.name} (${i.detail})`).join(', ') },
          { items: sinks, location: sinks[0]?.location },
        ),
      )

    const tpl: Item[] = a.templates
      .filter((t) => t.perms === undefined || (t.perms & 0o077) !== 0)
      .map((t) => ({
        name: t.destination ?? '(no destination)',
        detail: t.perms === undefined ? 'perms unset (new files get 0644)' : `perms ${octal(t.perms)}`,
        location: { file, line: t.line },
      }))
    if (tpl.length)
      out.push(
        found(
          'template-perms',
          { items: tpl.map((i) => `${i.name} (${i.detail})`).join(', ') },
          { items: tpl, location: tpl[0]?.location },
        ),
      )

    const { unreadableTemplates } = await vault.secretRefs()
    if (unreadableTemplates.length)
      out.push(
        found(
          'template-unreadable',
          { files: unreadableTemplates.join(', ') },
          {
            location: {
              file,
              line: a.templates.find((t) => t.source && unreadableTemplates.includes(t.source))?.line,
            },
          },
        ),
      )

    const envFiles = config.pipeline.envFiles
    if (
      envFiles.length &&
      a.templates.length &&
      !a.templates.some((t) => t.destination && envFiles.includes(t.destination))
    )
      out.push(
        found(
          'destination-not-loaded',
          { envFiles: envFiles.join(', '), destinations: a.templates.map((t) => t.destination).join(', ') },
          { location: { file, line: a.templates[0]?.line } },
        ),
      )

    const s = await vault.settings()
    if (
      a.vaultAddress &&
      s.address &&
      s.addressSource !== 'agent' &&
      norm(a.vaultAddress) !== norm(s.address)
    )
      out.push(
        found('address-mismatch', { agent: a.vaultAddress, doctor: `${s.address} (${s.addressSource})` }),
      )
    const agentRole = typeof a.autoAuth?.config.role === 'string' ? a.autoAuth.config.role : undefined
    const doctorRole = config.vault.auth.role
    const doctorMethod = config.vault.auth.method
    if (a.autoAuth && doctorMethod && doctorMethod !== 'token' && doctorMethod !== a.autoAuth.method)
      out.push(found('role-mismatch', { agent: `${a.autoAuth.method} auth`, doctor: `${doctorMethod} auth` }))
    else if (agentRole && doctorRole && agentRole !== doctorRole)
      out.push(found('role-mismatch', { agent: `role ${agentRole}`, doctor: `role ${doctorRole}` }))

    if (out.length) return out
    return pass(`${a.sinks.length} sink(s), ${a.templates.length} template(s)`, [
      ...(a.autoAuth ? [`auto_auth: ${a.autoAuth.method}${agentRole ? ` role ${agentRole}` : ''}`] : []),
      ...a.templates.map(
        (t) =>
          `template → ${t.destination}${t.errorOnMissingKey ? '' : ' (error_on_missing_key unset: a missing key renders `<no value>`)'}`,
      ),
    ])
  },
})
