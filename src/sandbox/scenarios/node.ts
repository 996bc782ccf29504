// Scenarios of the node provider. One owner: whoever owns the node checks.
// The files are written under the scenario's folder (tmpfs when the machine has one), with canary values
// that must never appear in any output: the e2e tests grep every format for NODE_CANARIES.
import { spawnSync } from 'node:child_process'
import { chmod, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Scenario, ScenarioInstance } from '../scenario.js'

const CANARY = {
  kafkaUsername: 'CANARY-node-kafka-username-2c81e',
  kafkaPassword: 'CANARY-node-kafka-password-7f3a9',
  apiToken: 'CANARY-node-api-token-d94b0',
  nodeName: 'CANARY-node-name-51aa7',
  vaultToken: 'hvs.CANARY-node-sink-token-0b6d2e4f8a1c3e5g',
} as const

export const NODE_CANARIES: readonly string[] = Object.values(CANARY)

/** The documentation's pipeline JobSpec: every env-reference form, and a Bloblang interpolation that is not one. */
const pipelineYaml = (extraProcessors: readonly string[] = []) =>
  [
    '# An edge pipeline JobSpec that reads its credentials from the environment.',
    'name: sensor-events',
    'type: pipeline',
    'config:',
    '  input:',
    '    kafka:',
    '      addresses: [kafka.example.com:9093]',
    '      topics: [sensor-readings]',
    '      consumer_group: expanso-edge',
    '      sasl:',
    '        mechanism: SCRAM-SHA-512',
    '        user: ${KAFKA_USERNAME}',
    '        password: ${KAFKA_PASSWORD}',
    '  pipeline:',
    '    processors:',
    '      - mapping: |',
    '          root = this',
    '          root.edge_node = env("NODE_NAME")',
    ...extraProcessors,
    '  output:',
    '    http_client:',
    '      url: https://ingest.example.com/v1/events/${! json("sensor_id") }',
    '      verb: POST',
    '      timeout: ${INGEST_TIMEOUT:10s}',
    '      headers:',
    '        Authorization: Bearer ${API_TOKEN}',
    '',
  ].join('\n')

const envText = (vars: Record<string, string>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}\n`)
    .join('')

async function writeSecretFile(path: string, text: string, mode: number): Promise<void> {
  await writeFile(path, text, { mode })
  // The umask may have narrowed (or the file pre-existed with) other bits: set exactly what the scenario says.
  await chmod(path, mode)
}

const instance = (config: Record<string, unknown>): ScenarioInstance => ({
  config,
  env: {},
  requestLog: () => [],
  stop: async () => {},
})

const nodeHealthy: Scenario = {
  name: 'node-healthy',
  description:
    'a pipeline config and its env file, every var set, mode 0600, freshly written, no Vault agent',
  providers: ['node'],
  async setup(dir) {
    const pipeline = join(dir, 'pipeline.yaml')
    const envFile = join(dir, 'pipeline.env')
    await writeFile(pipeline, pipelineYaml())
    await writeSecretFile(
      envFile,
      envText({
        KAFKA_USERNAME: CANARY.kafkaUsername,
        KAFKA_PASSWORD: CANARY.kafkaPassword,
        API_TOKEN: CANARY.apiToken,
        NODE_NAME: CANARY.nodeName,
      }),
      0o600,
    )
    return instance({ pipeline: { config: pipeline, envFiles: [envFile], maxStaleness: '1h' } })
  },
  expect: {
    'node.pipeline-config': { status: 'pass' },
    'node.env-vars': { status: 'pass' },
    'node.env-file-perms': { status: 'pass' },
    'node.env-file-freshness': { status: 'pass' },
    'node.vault-agent-process': { status: 'skip', skipReason: 'not-applicable' },
    'node.clock-skew': { status: 'skip', skipReason: 'not-applicable' },
  },
  exitCode: 0,
}

const DAY = 86_400_000

const nodeBroken: Scenario = {
  name: 'node-broken',
  description:
    'the healthy node plus an env file last written 3 days ago (maxStaleness 1h), a 0644 env file, and a ${VAR} set nowhere',
  providers: ['node'],
  async setup(dir) {
    const pipeline = join(dir, 'pipeline.yaml')
    const kafkaEnv = join(dir, 'pipeline.env')
    const apiEnv = join(dir, 'api.env')
    await writeFile(
      pipeline,
      pipelineYaml([
        '      # Enrichment from the warehouse, whose password was never delivered to this node.',
        '      - branch:',
        "          request_map: 'root = this.sensor_id'",
        '          processors:',
        '            - sql_select:',
        '                driver: postgres',
        '                dsn: postgres://edge:${DB_PASSWORD}@warehouse.example.com:5432/sensors',
        '                table: sensors',
        '                columns: [site]',
        '                where: id = ?',
        '                args_mapping: root = [ this ]',
        "          result_map: 'root.site = this.index(0).site'",
      ]),
    )
    await writeSecretFile(
      kafkaEnv,
      envText({
        KAFKA_USERNAME: CANARY.kafkaUsername,
        KAFKA_PASSWORD: CANARY.kafkaPassword,
        NODE_NAME: CANARY.nodeName,
      }),
      0o600,
    )
    // Rendered once, three days ago, by a refresher that has not run since.
    const staleAt = new Date(Date.now() - 3 * DAY)
    await utimes(kafkaEnv, staleAt, staleAt)
    await writeSecretFile(apiEnv, envText({ API_TOKEN: CANARY.apiToken }), 0o644)
    return instance({ pipeline: { config: pipeline, envFiles: [kafkaEnv, apiEnv], maxStaleness: '1h' } })
  },
  expect: {
    'node.pipeline-config': { status: 'pass' },
    'node.env-vars': {
      status: 'fail',
      finding: 'unresolved',
      remedies: ['pattern.interpolation', 'auth.confirm-secret-paths'],
    },
    'node.env-file-perms': { status: 'fail', finding: 'world-accessible', remedies: ['pattern.file-perms'] },
    'node.env-file-freshness': {
      status: 'warn',
      finding: 'old-file',
      remedies: ['refresh.check-interval', 'refresh.verify-restarts', 'refresh.monitor-rotation'],
    },
    'node.vault-agent-process': { status: 'skip', skipReason: 'not-applicable' },
    'node.clock-skew': { status: 'skip', skipReason: 'not-applicable' },
  },
  exitCode: 1,
}

/** A pid that certainly belonged to a process and certainly no longer does: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' })
  return child.pid ?? 999_999
}

const nodeVaultAgentDown: Scenario = {
  name: 'node-vault-agent-down',
  description:
    'the Vault agent died and left its pid file, its last render wrote `<no value>` for API_TOKEN, and its token sink is 0640',
  providers: ['node'],
  async setup(dir) {
    const pipeline = join(dir, 'pipeline.yaml')
    const template = join(dir, 'pipeline.env.tpl')
    const rendered = join(dir, 'pipeline.env')
    const sink = join(dir, 'vault-token')
    const pidFile = join(dir, 'vault-agent.pid')
    const agentConfig = join(dir, 'vault-agent.hcl')
    await writeFile(pipeline, pipelineYaml())
    await writeFile(
      template,
      [
        '{{ with secret "secret/data/expanso/pipeline" }}',
        'KAFKA_USERNAME={{ .Data.data.kafka_username }}',
        'KAFKA_PASSWORD={{ .Data.data.kafka_password }}',
        'API_TOKEN={{ .Data.data.api_tokn }}',
        'NODE_NAME={{ .Data.data.node_name }}',
        '{{ end }}',
        '',
      ].join('\n'),
    )
    await writeFile(
      agentConfig,
      [
        `pid_file = "${pidFile}"`,
        '',
        'vault {',
        '  address = "https://vault.example.com:8200"',
        '}',
        '',
        'auto_auth {',
        '  method {',
        '    type = "kubernetes"',
        '    config = {',
        '      role = "expanso-edge"',
        '    }',
        '  }',
        '',
        '  sink {',
        '    type = "file"',
        '    config = {',
        `      path = "${sink}"`,
        '      mode = 0640',
        '    }',
        '  }',
        '}',
        '',
        'template {',
        `  source      = "${template}"`,
        `  destination = "${rendered}"`,
        '  perms       = "0600"',
        '}',
        '',
      ].join('\n'),
    )
    // What the template renders when the secret has `api_token` but the template asks for `api_tokn`.
    await writeSecretFile(
      rendered,
      envText({
        KAFKA_USERNAME: CANARY.kafkaUsername,
        KAFKA_PASSWORD: CANARY.kafkaPassword,
        API_TOKEN: '<no value>',
        NODE_NAME: CANARY.nodeName,
      }),
      0o600,
    )
    await writeSecretFile(sink, `${CANARY.vaultToken}\n`, 0o640)
    await writeFile(pidFile, `${deadPid()}\n`)
    return instance({
      pipeline: { config: pipeline, maxStaleness: '1h' },
      vault: { agentConfig },
    })
  },
  expect: {
    'node.pipeline-config': { status: 'pass' },
    'node.env-vars': {
      status: 'fail',
      finding: 'no-value',
      remedies: ['vault.error-on-missing-key'],
    },
    'node.env-file-perms': { status: 'warn', finding: 'group-accessible', remedies: ['pattern.file-perms'] },
    'node.env-file-freshness': { status: 'pass' },
    'node.vault-agent-process': {
      status: 'fail',
      finding: 'process-dead',
      remedies: ['node.start-vault-agent', 'refresh.verify-restarts', 'refresh.restart-agent'],
    },
    'node.clock-skew': { status: 'skip', skipReason: 'not-applicable' },
  },
  exitCode: 1,
}

export const nodeScenarios: Scenario[] = [nodeHealthy, nodeBroken, nodeVaultAgentDown]
