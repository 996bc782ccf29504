// Property-based tests (fast-check) over every parser that reads input the doctor does not control: the
// config loader, the env-file reader, the ${VAR} scanner, the Vault agent HCL and template parser and the
// manifest loader. For any input, each returns a result or its own documented error — a ConfigError naming
// the file (exit 2), a problem with a line, a finding — and never throws anything else.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigError, parseConfigText } from '../src/app/config.js'
import { parsePipelineConfig } from '../src/checks/node/lib/references.js'
import { loadManifests } from '../src/providers/kubernetes/manifests.js'
import { parseEnvText } from '../src/providers/node/model.js'
import { AgentConfigError, parseAgentConfig, parseTemplate } from '../src/providers/vault/agent-config.js'

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200)

/** Text that looks like the structured files these parsers read, mutated into every kind of breakage. */
const fragments = fc.constantFrom(
  'vault:',
  '  address: https://v:8200',
  'pipeline:',
  '  envFiles: [a, b]',
  'thresholds: { latencyP95: 5 }',
  'ignore:\n  - check: vault.audit',
  '&a [1, 2]',
  '*a',
  '---',
  '{{ with secret "secret/data/x" }}{{ .Data.data.k }}{{ end }}',
  'template {\n  destination = "/x"\n}',
  'auto_auth { method "kubernetes" { config = { role = "r" } } }',
  'sink "file" { config = { path = "/t", mode = 0600 } }',
  '${VAR}',
  '${VAR:default}',
  '$${ESCAPED}',
  '${! json("x") }',
  'env("VAR")',
  'KEY=value',
  'export K="quoted \\" value"',
  "K='single'",
  'apiVersion: v1',
  'kind: Secret',
  'metadata: { name: x }',
  'data: { k: dmFsdWU= }',
  'kind: List',
  'items:',
  '  - kind: Pod',
  '[[[[',
  '}}}}',
  '"unterminated',
  '\t\t',
  ': : :',
  '\u0000\u001b[2J\u202e',
)
const structured = fc
  .array(fc.oneof(fragments, fc.string(), fc.string({ unit: 'binary' })), { maxLength: 20 })
  .map((xs) => xs.join('\n'))
const anyText = fc.oneof(structured, fc.string(), fc.string({ unit: 'binary', maxLength: 200 }))

describe('parsers never throw on hostile input', () => {
  it('the config loader: a raw config or a ConfigError naming the file, one line', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parseConfigText(text, 'edge-secrets.yaml')
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError)
          const line = (e as ConfigError).format()
          expect(line.startsWith('edge-secrets.yaml')).toBe(true)
          expect(line).not.toMatch(/[\n\r]/)
        }
      }),
      { numRuns: RUNS },
    )
  })

  it('the env-file reader: entries and malformed lines, never an exception', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const f = parseEnvText('/run/pipeline.env', text)
        for (const e of f.entries) expect(e.line).toBeGreaterThan(0)
        for (const l of f.malformedLines) expect(l).toBeGreaterThan(0)
      }),
      { numRuns: RUNS },
    )
  })

  it('the ${VAR} scanner: references with positions, or a problem with a line', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parsePipelineConfig(text)
        if (r.ok) for (const ref of r.references) expect(ref.line).toBeGreaterThan(0)
        else expect(r.line).toBeGreaterThan(0)
      }),
      { numRuns: RUNS },
    )
  })

  it('the Vault agent template parser: key references, never an exception', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const t = parseTemplate(text)
        expect(Array.isArray(t.paths)).toBe(true)
      }),
      { numRuns: RUNS },
    )
  })

  it('the Vault agent HCL parser: a config or an AgentConfigError naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        try {
          await parseAgentConfig(text, '/etc/vault/agent.hcl')
        } catch (e) {
          expect(e).toBeInstanceOf(AgentConfigError)
          expect((e as Error).message).toContain('/etc/vault/agent.hcl')
        }
      }),
      // The WASM parser costs a few ms a call; fewer runs keep the suite quick.
      { numRuns: Math.min(RUNS, 60) },
    )
  })

  it('the manifest loader: objects, or problems with their file, never an exception', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-prop-manifests-'))
    let n = 0
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const file = join(dir, `m${n++}.yaml`)
        writeFileSync(file, text)
        const set = await loadManifests([file], 'expanso-system')
        for (const p of set.problems) expect(p.location?.file).toBeTruthy()
      }),
      { numRuns: Math.min(RUNS, 100) },
    )
  })
})
