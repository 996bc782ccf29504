import { existsSync, readFileSync } from 'node:fs'
import { providerIds } from '../src/providers/index.js'
import { describe, expect, it } from 'vitest'
import { SEVERITIES, STATUSES, type Category, type SkipReason, type Symptom } from '../src/core/check.js'
import { SCHEMA_VERSION, type CheckResult, type FailOn, type Report } from '../src/core/report.js'
import { sampleReport } from './fixtures/report.js'
import { renderJson } from '../src/render/json.js'
import { REPORT_SCHEMA_PATH, validateReport } from './helpers/validate-report.js'

/** The JSON a report renders to, as a mutable object a test can break. */
const asJson = (r: Report = sampleReport()) =>
  JSON.parse(renderJson(r)) as Record<string, unknown> & {
    checks: Record<string, unknown>[]
    summary: Record<string, number>
  }

const checkIndex = (doc: ReturnType<typeof asJson>, id: string) => doc.checks.findIndex((c) => c.id === id)

describe('report schema', () => {
  it('ships at the package root, as a 2020-12 schema', () => {
    expect(existsSync(REPORT_SCHEMA_PATH)).toBe(true)
    expect(REPORT_SCHEMA_PATH.replace(/\\/g, '/')).toMatch(/\/schema\/report\.schema\.json$/)
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as Record<string, unknown>
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
  })

  it('enumerates exactly what the code declares', () => {
    // Records keyed by the union types: adding a member to a type without the schema fails to compile here.
    const categories: Record<Category, true> = {
      connectivity: true,
      tls: true,
      auth: true,
      iam: true,
      'service-account': true,
      'secret-paths': true,
      refresh: true,
      latency: true,
      config: true,
      audit: true,
      clock: true,
    }
    const symptoms: Record<Symptom, true> = {
      'permission-denied': true,
      'stale-secrets': true,
      'slow-startup': true,
    }
    const skipReasons: Record<SkipReason, true> = {
      filtered: true,
      ignored: true,
      'not-configured': true,
      'not-applicable': true,
      offline: true,
      'not-permitted': true,
      'dependency-failed': true,
    }
    const failOn: Record<FailOn, true> = { fail: true, warn: true, never: true }
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_PATH, 'utf8')) as {
      properties: { schemaVersion: { const: number }; failOn: { enum: string[] } }
      $defs: Record<string, { enum?: string[] }>
    }
    const defs = schema.$defs
    expect(schema.properties.schemaVersion.const).toBe(SCHEMA_VERSION)
    expect(schema.properties.failOn.enum).toEqual(Object.keys(failOn))
    expect(defs.status!.enum).toEqual([...STATUSES])
    expect(defs.severity!.enum).toEqual([...SEVERITIES])
    // Derived from the provider registry: a provider added there must be added to the schema (npm run docs).
    expect(defs.provider!.enum).toEqual([...providerIds])
    expect(defs.category!.enum).toEqual(Object.keys(categories))
    expect(defs.symptom!.enum).toEqual(Object.keys(symptoms))
    // The order of CONTRACT §2 is the order a skip reason is chosen in.
    expect(defs.skipReason!.enum).toEqual(Object.keys(skipReasons))
  })

  it('accepts the sample report, as an object and as rendered JSON', async () => {
    expect(await validateReport(sampleReport())).toEqual([])
    expect(await validateReport(asJson())).toEqual([])
  })

  it('accepts a minimal healthy report and an interrupted one', async () => {
    const pass: CheckResult = {
      id: 'node.pipeline-config',
      title: 'Pipeline config parses',
      provider: 'node',
      category: 'config',
      severity: 'critical',
      status: 'pass',
      summary: 'ok',
      remedies: [],
      durationMs: 1.5,
    }
    const healthy = sampleReport({
      checks: [pass],
      summary: { total: 1, pass: 1, warn: 0, fail: 0, error: 0, skip: 0 },
      exitCode: 0,
      identities: [],
      expiredIgnores: undefined,
    })
    expect(await validateReport(healthy)).toEqual([])
    expect(await validateReport(asJson(healthy))).toEqual([])
    expect(await validateReport(sampleReport({ interrupted: true }))).toEqual([])
  })

  it('rejects an unknown status', async () => {
    const doc = asJson()
    doc.checks[0]!.status = 'broken'
    const errors = await validateReport(doc)
    expect(errors.some((e) => e.startsWith('/checks/0/status'))).toBe(true)
  })

  it('rejects a skip without a skipReason, and a skipReason on anything else', async () => {
    const doc = asJson()
    const skip = checkIndex(doc, 'vault.audit')
    delete doc.checks[skip]!.skipReason
    expect((await validateReport(doc)).some((e) => e.includes(`/checks/${skip}`))).toBe(true)

    const other = asJson()
    const pass = checkIndex(other, 'vault.health')
    other.checks[pass]!.skipReason = 'offline'
    expect((await validateReport(other)).some((e) => e.includes(`/checks/${pass}`))).toBe(true)
  })

  it('rejects a wrong schemaVersion', async () => {
    const doc = asJson()
    doc.schemaVersion = 2
    expect(await validateReport(doc)).toContain('/schemaVersion: must be 1')
  })

  it('rejects unknown properties, enums and bad locations with a pointer to the field', async () => {
    const doc = asJson()
    doc.secretValue = 'x'
    const i = checkIndex(doc, 'vault.capabilities')
    doc.checks[i]!.symptom = 'unhappy'
    ;(doc.checks[i]!.findings as { location: { line: number } }[])[0]!.location.line = 0
    const errors = await validateReport(doc)
    expect(errors).toContain('/: unknown property "secretValue"')
    expect(errors.some((e) => e.startsWith(`/checks/${i}/symptom`))).toBe(true)
    expect(errors.some((e) => e.startsWith(`/checks/${i}/findings/0/location/line`))).toBe(true)
  })

  it('rejects findings on a check that neither warns nor fails, and ignored without skip', async () => {
    const doc = asJson()
    const i = checkIndex(doc, 'vault.health')
    doc.checks[i]!.findings = []
    expect((await validateReport(doc)).length).toBeGreaterThan(0)

    const ignored = asJson()
    const j = checkIndex(ignored, 'vault.path-layout')
    ignored.checks[j]!.skipReason = 'offline'
    expect((await validateReport(ignored)).length).toBeGreaterThan(0)
  })

  it('rejects counts that do not add up and an exit code that does not follow from them', async () => {
    const doc = asJson()
    doc.summary.pass = 4
    expect(await validateReport(doc)).toEqual(['/summary/pass: says 4 but the checks hold 3'])

    const gate = asJson()
    gate.exitCode = 0
    const errors = await validateReport(gate)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^\/exitCode: 0 does not follow/)
  })

  it('rejects things that are not reports at all', async () => {
    expect((await validateReport(null)).length).toBeGreaterThan(0)
    expect((await validateReport({})).length).toBeGreaterThan(0)
    expect((await validateReport([])).length).toBeGreaterThan(0)
  })
})
