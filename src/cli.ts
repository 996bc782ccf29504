// The CLI's entry in the bundle (scripts/build.mjs): oclif with the commands of src/commands/index.ts.
import { execute } from '@oclif/core'

export async function main(root: string): Promise<void> {
  await execute({ dir: root })
}
