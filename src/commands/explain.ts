import { Args } from '@oclif/core'
import { EdgeCommand } from './base.js'
import type { Check, Symptom } from '../core/check.js'
import type { RemedyId } from '../remedies.js'

type Target =
  | { readonly kind: 'check'; readonly check: Check }
  | { readonly kind: 'remedy'; readonly id: RemedyId }
  | { readonly kind: 'symptom'; readonly id: Symptom }

export default class Explain extends EdgeCommand {
  static override summary = 'Print the runbook for a check id, remedy id or symptom id (offline).'
  static override examples = [
    '<%= config.bin %> explain vault.capabilities',
    '<%= config.bin %> explain auth.verify-iam',
    '<%= config.bin %> explain permission-denied',
    '<%= config.bin %> explain vault.tls --json',
  ]
  static override args = { id: Args.string({ required: true, description: 'check, remedy or symptom id' }) }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Explain)
    const id = args.id
    const { checks, findCheck } = await import('../checks/index.js')
    const catalog = await import('../render/catalog.js')
    const { isRemedyId, remedyIds } = await import('../remedies.js')
    const check = findCheck(id)
    const target: Target | undefined = check
      ? { kind: 'check', check }
      : isRemedyId(id)
        ? { kind: 'remedy', id }
        : id in catalog.SYMPTOMS
          ? { kind: 'symptom', id: id as Symptom }
          : undefined
    if (!target) {
      const known = [...checks.map((c) => c.id), ...remedyIds, ...Object.keys(catalog.SYMPTOMS)]
      const { didYouMean } = await import('../core/suggest.js')
      const { UsageError } = await import('../app/usage-error.js')
      throw new UsageError(
        `unknown id "${id}"${didYouMean(id, known)} (edge-secrets checks lists every check id)`,
      )
    }
    // `--json`: the same runbook as data.
    const json = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`
    switch (target.kind) {
      case 'check':
        process.stdout.write(
          flags.json ? json(catalog.explainCheckJson(target.check)) : catalog.explainCheck(target.check),
        )
        return
      case 'remedy':
        process.stdout.write(
          flags.json
            ? json(catalog.explainRemedyJson(target.id, checks))
            : catalog.explainRemedy(target.id, checks),
        )
        return
      case 'symptom':
        process.stdout.write(
          flags.json
            ? json(catalog.explainSymptomJson(target.id, checks))
            : catalog.explainSymptom(target.id, checks),
        )
    }
  }
}
