import { Flags } from '@oclif/core'
import { EdgeCommand, formatWithJson } from './base.js'

export default class Checks extends EdgeCommand {
  static override summary = 'List the check catalogue (id, provider, category, what it needs).'
  static override examples = [
    '<%= config.bin %> checks',
    '<%= config.bin %> checks --json | jq ".checks[].id"',
    '<%= config.bin %> checks --provider vault',
  ]
  static override flags = {
    format: Flags.string({
      summary: 'Output format.',
      options: ['text', 'json', 'markdown'],
      default: 'text',
    }),
    provider: Flags.string({ summary: 'Only this provider.', multiple: true }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Checks)
    const format = await formatWithJson(flags, 'text')
    const { checks } = await import('../checks/index.js')
    const { catalogJson, catalogMarkdown, catalogText } = await import('../render/catalog.js')
    const { parseProviders, titleOf } = await import('../app/providers.js')
    const wanted = parseProviders(flags.provider)
    const list = wanted ? checks.filter((c) => (wanted as readonly string[]).includes(c.provider)) : checks
    if (format === 'json') process.stdout.write(JSON.stringify(catalogJson(list), null, 2) + '\n')
    else if (format === 'markdown') process.stdout.write(catalogMarkdown(list, titleOf))
    else process.stdout.write(catalogText(list, titleOf))
  }
}
