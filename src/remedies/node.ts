// Remedies beyond the documentation for the node provider (source: extended). One owner: the node checks.
// Bodies say what to do on the machine the agent runs on; checks attach commands filled with the file,
// pid file or agent config they found.
import { defineRemedies } from './types.js'

const PIPELINE = 'Node pipeline config'
const FILES = 'Node secret files'
const AGENT = 'Node Vault agent process'
const CLOCK = 'Node clock'

export const nodeRemedies = defineRemedies({
  'node.point-at-pipeline-config': {
    title: 'Point the doctor at the pipeline config the edge agent runs',
    source: 'extended',
    section: PIPELINE,
    body: [
      'The doctor learns which env vars the pipeline needs from its config. Set `pipeline.config` in',
      'edge-secrets.yaml to the file the edge agent is started with (the `--config` of its command line or',
      'unit file); the default is /etc/expanso/pipeline.yaml. Relative paths are read from the folder of',
      'edge-secrets.yaml. The doctor reads only a regular file within its size cap: a path that names a',
      'directory, a named pipe or a device is the wrong path, and a config of several MiB is not a pipeline.',
    ].join(' '),
  },
  'node.fix-pipeline-config': {
    title: 'Fix the pipeline config so the edge agent can load it',
    source: 'extended',
    section: PIPELINE,
    body: [
      'The edge agent refuses a config it cannot parse, and a document of the wrong shape runs nothing. Fix the',
      'YAML at the line shown (indentation, an unquoted `: ` or `#` inside a value, tabs). A pipeline is either',
      'bare Bento-style YAML with `input`, `pipeline` and `output` at the top level, or a JobSpec with `name`,',
      '`type: pipeline` and those sections under `config:`.',
    ].join(' '),
  },
  'node.provide-env-file': {
    title: 'Make the env file exist where the pipeline loads it',
    source: 'extended',
    section: FILES,
    body: [
      'Whatever delivers the secrets (a Vault agent template, an init container or fetch script, a CSI mount)',
      'must write the env file before the edge agent starts, at the path the agent loads (`env_file`,',
      "`EnvironmentFile=`, `pipeline.envFiles`). Check that writer's logs for why it did not, and that both",
      'sides mount the same volume. An env file is a small regular file of `NAME=value` lines: a path that',
      'names a directory, a named pipe or a device, or a file of several MiB, is not one.',
    ].join(' '),
  },
  'node.read-as-agent-user': {
    title: 'Run the doctor as the user the edge agent runs as',
    source: 'extended',
    section: FILES,
    body: [
      'The doctor reads the files the edge agent reads; one it may not read cannot be judged, and when the',
      'doctor runs as the agent does, the agent cannot read it either. Run the doctor as that user (`sudo -u',
      "USER edge-secrets doctor`, or in the agent's container), then check the owner and mode of the file",
      "(`ls -l`, `namei -l PATH` for its folders). Give the agent's user access by ownership rather than by",
      'widening the mode: secret files stay 0600.',
    ].join(' '),
  },
  'node.strict-fetch-script': {
    title: 'Make the fetch script fail on a missing key instead of writing `null`',
    source: 'extended',
    section: FILES,
    body: [
      '`jq -r` prints `null` and exits 0 when a key is missing, so the script writes `KEY=null` and the agent',
      'starts with the word null as a credential. Use `jq -er` (non-zero exit on null), start the script with',
      '`set -euo pipefail`, check that every required key is present before writing the file, and add the',
      'missing key to the secret.',
    ].join(' '),
  },
  'node.start-vault-agent': {
    title: 'Start the Vault agent (and keep it running)',
    source: 'extended',
    section: AGENT,
    body: [
      'Without a running agent nothing re-renders the secret files: they keep the values of the last render',
      'and go stale at the next rotation. Start the agent with its config, read its log for why it stopped',
      '(an auth or template error makes it exit when `exit_on_retry_failure` is set), and run it under a',
      'supervisor that restarts it (a systemd unit with `Restart=always`, or a sidecar container). When the',
      'agent runs in another container or pid namespace, run the doctor there or share the pid file.',
    ].join(' '),
  },
  'node.sync-clock': {
    title: 'Synchronise the node clock (NTP)',
    source: 'extended',
    section: CLOCK,
    body: [
      'Servers refuse requests and tokens stamped too far from their own time: AWS rejects signatures more than',
      '5 minutes off ("Signature expired"), and JWT logins (Vault, Google, Azure) fail on `iat`/`exp` outside a',
      'small leeway. Check sync with `timedatectl status` (or `chronyc tracking`), turn it on with',
      '`timedatectl set-ntp true` (systemd-timesyncd) or `systemctl enable --now chronyd`, and step a large',
      "offset at once with `chronyc makestep`. When only one server disagrees with the others, that server's",
      'clock is the one to fix.',
    ].join(' '),
  },
})
