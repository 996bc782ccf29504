import { defineCheck, found, pass, skip, type Outcome } from '../define.js'

type Key = 'not-json' | 'missing-keys' | 'empty-values'

/** What jq renders as an empty or wrong credential: "", "null", or a template's "<no value>". */
const EMPTY = new Set<string | undefined>(['empty', 'null', 'no-value'])

export default defineCheck({
  id: 'gcp.secret-keys',
  title: 'Every secret payload is a JSON object with every expected key set',
  description:
    "The documentation's init container pipes the payload through jq (`.kafka_username`, …) into pipeline.env. " +
    'jq does not fail on a missing key: it writes the literal text "null", and the agent starts with a wrong ' +
    'credential. A non-JSON payload makes jq fail and the init container crash-loop. Key names only: values ' +
    'are never shown.',
  provider: 'gcp',
  category: 'secret-paths',
  needs: ['gcp.secret-access'],
  network: true,
  findings: {
    'not-json': {
      status: 'fail',
      severity: 'critical',
      message:
        '{{secret}} (version {{version}}) is {{format}}, not a JSON object: the keys {{keys}} cannot be read from it',
      remedies: ['gcp.fix-payload', 'auth.confirm-secret-paths'],
    },
    'missing-keys': {
      status: 'fail',
      severity: 'critical',
      symptom: 'permission-denied',
      message:
        '{{secret}} (version {{version}}) lacks {{missing}}: jq renders them as "null" in the env file',
      remedies: ['gcp.fix-payload', 'pattern.interpolation'],
    },
    'empty-values': {
      status: 'fail',
      severity: 'high',
      symptom: 'permission-denied',
      message: '{{secret}} (version {{version}}) has empty or null values for {{empty}}',
      remedies: ['gcp.fix-payload'],
    },
  },
  async run({ gcp, config }) {
    const withKeys = config.gcp.secrets.filter((s) => s.keys.length > 0)
    if (withKeys.length === 0) return skip('not-applicable', 'no gcp.secrets[].keys configured')
    const outcomes: Outcome<Key>[] = []
    const ok: string[] = []
    for (const s of withKeys) {
      const info = await gcp.access(s.name)
      const ref = await gcp.ref(s.name)
      const peek = `gcloud secrets versions access ${info.version} --secret ${ref.secret} --project ${ref.project} | jq -r 'keys[]'`
      const vars = { secret: s.name, version: info.version }
      if (info.format !== 'json-object' || !info.keys) {
        const format =
          info.format === 'json-other'
            ? 'JSON but not an object'
            : info.format === 'empty'
              ? 'empty'
              : 'plain text'
        outcomes.push(
          found(
            'not-json',
            { ...vars, format, keys: s.keys.join(', ') },
            { commands: { 'gcp.fix-payload': [peek] } },
          ),
        )
        continue
      }
      const keys = info.keys
      const missing = s.keys.filter((k) => !(k in keys))
      const empty = s.keys.filter((k) => EMPTY.has(keys[k]))
      const present = `keys present: ${Object.keys(keys).join(', ') || '(none)'}`
      if (missing.length)
        outcomes.push(
          found(
            'missing-keys',
            { ...vars, missing: missing.join(', ') },
            { details: [present], commands: { 'gcp.fix-payload': [peek] } },
          ),
        )
      if (empty.length)
        outcomes.push(
          found(
            'empty-values',
            { ...vars, empty: empty.map((k) => `${k} (${keys[k]})`).join(', ') },
            { commands: { 'gcp.fix-payload': [peek] } },
          ),
        )
      if (!missing.length && !empty.length) ok.push(`${s.name} v${info.version}: ${s.keys.join(', ')}`)
    }
    return outcomes.length ? outcomes : pass(`every expected key is set in ${ok.length} secret(s)`, ok)
  },
})
