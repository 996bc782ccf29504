import { basename } from 'node:path'
import { defineCheck, found, pass, skip } from '../define.js'
import { ProviderError } from '../../core/provider.js'
import type { RemedyId } from '../../remedies.js'
import { agentConfigOf, agentNote, shellQuote } from './lib/secret-files.js'

export default defineCheck({
  id: 'node.vault-agent-process',
  title: 'The Vault agent named by its pid file is running',
  description:
    'The Vault agent keeps the token alive and re-renders the secret files. When it has died, everything ' +
    'still looks fine: the files stay where they were, with the values of the last render, until the next ' +
    'rotation or token expiry breaks the pipeline. The pid file is how the agent says it is running.',
  provider: 'node',
  category: 'refresh',
  network: false,
  findings: {
    'pid-file-missing': {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message:
        'Vault agent pid file {{pidFile}} does not exist: the agent is not running (or runs in another container or pid namespace)',
      remedies: ['node.start-vault-agent', 'refresh.verify-restarts', 'refresh.restart-agent'],
    },
    'pid-file-invalid': {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'Vault agent pid file {{pidFile}} does not hold a process id',
      remedies: ['node.start-vault-agent', 'refresh.verify-restarts', 'refresh.restart-agent'],
    },
    'process-dead': {
      status: 'fail',
      severity: 'high',
      symptom: 'stale-secrets',
      message: 'no process {{pid}} (from {{pidFile}}): the Vault agent has stopped and left a stale pid file',
      remedies: ['node.start-vault-agent', 'refresh.verify-restarts', 'refresh.restart-agent'],
    },
    'not-vault': {
      status: 'warn',
      severity: 'medium',
      symptom: 'stale-secrets',
      message:
        'process {{pid}} (from {{pidFile}}) is running `{{program}}`, not Vault: the pid file is probably stale and its pid reused',
      remedies: ['node.start-vault-agent', 'refresh.verify-restarts'],
    },
  },
  async run({ node, config }) {
    const { agentConfig, agentPidFile } = config.vault
    if (!agentConfig && !agentPidFile)
      return skip('not-applicable', 'no Vault agent configured here (vault.agentConfig, vault.agentPidFile)')
    const lookup = await agentConfigOf(node, config)
    const pidFile = agentPidFile ?? (lookup.kind === 'ok' ? lookup.agent.pidFile : undefined)
    if (!pidFile)
      return skip(
        'not-applicable',
        lookup.kind === 'ok'
          ? `the agent config ${lookup.agent.file} sets no pid_file and vault.agentPidFile is not set: nothing names the agent's process`
          : `${agentNote(lookup) ?? 'no agent config'}; vault.agentPidFile is not set either`,
      )
    const commands: Partial<Record<RemedyId, readonly string[]>> = agentConfig
      ? { 'node.start-vault-agent': [`vault agent -config=${shellQuote(agentConfig)}`] }
      : {}
    const vars = { pidFile }
    const location = { file: pidFile }
    const read = await node.readText(pidFile, 'pid file')
    if (!read.ok) {
      if (read.problem === 'missing') return found('pid-file-missing', vars, { commands, location })
      // The agent writes its pid file 0600: another user cannot tell from it whether the agent runs.
      if (read.problem === 'unreadable')
        throw new ProviderError(
          'node',
          'denied',
          `${read.reason}: whether the Vault agent runs is not known`,
          {
            path: pidFile,
          },
        )
      // A directory, a FIFO or a file of kilobytes is not what the agent writes: it holds no pid.
      return found('pid-file-invalid', vars, { commands, location, details: [read.reason] })
    }
    const text = read.value
    const m = /^\s*(\d+)\s*$/.exec(text)
    const pid = m ? Number(m[1]) : 0
    if (!pid)
      return found('pid-file-invalid', vars, {
        commands,
        location,
        details: [
          text.trim() === '' ? 'the file is empty' : 'the file holds something other than one number',
        ],
      })
    if (!(await node.processAlive(pid)))
      return found(
        'process-dead',
        { ...vars, pid },
        {
          commands,
          location,
          details: [
            'a Vault agent in another container or pid namespace is invisible from here: run the doctor beside it',
          ],
        },
      )
    // Linux only, and only when readable; otherwise a live pid is taken at its word.
    const argv = (await node.processArgs(pid)) ?? []
    if (argv.length && !argv.slice(0, 3).some((a) => /vault/i.test(basename(a.split(/\s+/)[0] ?? ''))))
      // Only the program's name: arguments may carry tokens.
      return found(
        'not-vault',
        { ...vars, pid, program: basename(argv[0] as string) },
        { commands, location },
      )
    return pass(`Vault agent is running (pid ${pid} from ${pidFile})`)
  },
})
