import { defineCheck, found, pass, skip, type Outcome } from '../define.js'
import { suggest } from '../../core/suggest.js'
import type { AwsKeyState } from '../../providers/aws/api.js'

type Key = 'not-json' | 'missing-keys' | 'empty-keys'

const PAYLOAD: Record<string, string> = {
  'json-other': 'JSON but not an object',
  text: 'plain text',
  empty: 'an empty SecretString',
  binary: 'a SecretBinary',
}

/** What `jq -r '.key'` turns into an empty or literal "null" variable (a number or object is still a value). */
const UNUSABLE: ReadonlySet<AwsKeyState> = new Set(['empty', 'null', 'no-value'])

export default defineCheck({
  id: 'aws.secret-keys',
  title: 'Every secret is a JSON object with each expected key set',
  description:
    "The documentation's init script runs `jq -r '.kafka_username'` on SecretString. A plain-text secret, a " +
    'missing key or an empty value does not fail the script: the agent starts with an empty or literal "null" ' +
    'variable. Only key names are reported, never values.',
  provider: 'aws',
  category: 'secret-paths',
  needs: ['aws.secret-access'],
  network: true,
  findings: {
    'not-json': {
      status: 'fail',
      severity: 'critical',
      message: "{{id}} holds {{payload}}, so `jq -r '.key'` yields null for {{keys}}",
      remedies: ['aws.secret-json', 'auth.confirm-secret-paths'],
    },
    'missing-keys': {
      status: 'fail',
      severity: 'critical',
      message: '{{id}} has no {{keys}}',
      remedies: ['aws.secret-json', 'auth.confirm-secret-paths'],
    },
    'empty-keys': {
      status: 'fail',
      severity: 'high',
      message: '{{id}}: {{keys}} empty or null',
      remedies: ['aws.secret-json'],
    },
  },
  async run({ aws, config }) {
    const secrets = config.aws.secrets
    if (secrets.length === 0) return skip('not-applicable', 'no aws.secrets configured')
    const outcomes: Outcome<Key>[] = []
    const details: string[] = []
    for (const s of secrets) {
      const v = await aws.secretValue(s.id)
      const expected = s.keys
      if (v.payload !== 'json-object') {
        if (expected.length === 0) {
          details.push(`${s.id}: ${PAYLOAD[v.payload]} (no keys expected)`)
          continue
        }
        outcomes.push(
          found('not-json', {
            id: s.id,
            payload: PAYLOAD[v.payload] ?? v.payload,
            keys: expected.join(', '),
          }),
        )
        continue
      }
      const present = new Map(v.keys.map((k) => [k.name, k.state]))
      details.push(`${s.id}: keys ${[...present.keys()].join(', ') || '(none)'}`)
      const missing = expected.filter((k) => !present.has(k))
      const empty = expected.filter((k) => UNUSABLE.has(present.get(k) ?? 'set'))
      // A near miss (db_pasword, DB_PASSWORD) is the usual cause; name it so the fix is a rename. Only keys
      // nobody expects are candidates: an expected key is not a misspelling of another.
      const unexpected = [...present.keys()].filter((p) => !expected.includes(p))
      const nearMisses = missing.flatMap((k) => {
        const near = suggest(k, unexpected, 1)[0]
        return near ? [`${k}: the secret has ${near} — a misspelling?`] : []
      })
      const keyDetails = [`keys present: ${[...present.keys()].join(', ') || '(none)'}`, ...nearMisses]
      if (missing.length)
        outcomes.push(found('missing-keys', { id: s.id, keys: missing.join(', ') }, { details: keyDetails }))
      if (empty.length) {
        outcomes.push(
          found(
            'empty-keys',
            { id: s.id, keys: empty.map((k) => `${k} (${present.get(k)})`).join(', ') },
            { details: keyDetails },
          ),
        )
      }
    }
    if (outcomes.length) return outcomes
    return pass(
      `every expected key is set in ${secrets.length} secret${secrets.length === 1 ? '' : 's'}`,
      details,
    )
  },
})
