import { Args, Command } from '@oclif/core'
import { distance } from 'fastest-levenshtein'
import type { Symptom } from '../core/check.js'

export default class Explain extends Command {
  static override summary = 'Print the runbook for a check id, remedy id or symptom id (offline).'
  static override examples = [
    '<%= config.bin %> explain vault.capabilities',
    '<%= config.bin %> explain auth.verify-iam',
    '<%= config.bin %> explain permission-denied',
  ]
  static override args = { id: Args.string({ required: true, description: 'check, remedy or symptom id' }) }

  async run(): Promise<void> {
    const { args } = await this.parse(Explain)
    const id = args.id
    const { checks, findCheck } = await import('../checks/index.js')
    const { explainCheck, explainRemedy, explainSymptom, SYMPTOMS } = await import('../render/catalog.js')
    const { isRemedyId, remedyIds } = await import('../remedies.js')
    const check = findCheck(id)
    if (check) return void process.stdout.write(explainCheck(check))
    if (isRemedyId(id)) return void process.stdout.write(explainRemedy(id, checks))
    if (id in SYMPTOMS) return void process.stdout.write(explainSymptom(id as Symptom, checks))
    const known = [...checks.map((c) => c.id), ...remedyIds, ...Object.keys(SYMPTOMS)]
    const near = known
      .map((k) => [k, distance(id, k) - (k.includes(id) || id.includes(k) ? 3 : 0)] as const)
      .sort((a, b) => a[1] - b[1])
      .slice(0, 3)
      .map(([k]) => k)
    process.stderr.write(
      `edge-secrets: unknown id "${id}". Did you mean: ${near.join(', ')}?\n(edge-secrets checks lists every check id)\n`,
    )
    process.exit(2)
  }
}
