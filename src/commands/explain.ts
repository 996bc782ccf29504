import { Args } from '@oclif/core'
import { EdgeCommand } from './base.js'
import type { Symptom } from '../core/check.js'

export default class Explain extends EdgeCommand {
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
    const { didYouMean } = await import('../core/suggest.js')
    const { UsageError } = await import('../app/usage-error.js')
    throw new UsageError(
      `unknown id "${id}"${didYouMean(id, known)} (edge-secrets checks lists every check id)`,
    )
  }
}
