// Preloaded with --import: records every module URL the process resolves into $EDGE_SECRETS_MODULE_LOG,
// so a test can prove that `--version`, `checks` and `explain` load no SDK.
import { register } from 'node:module'

register('./module-spy-hooks.mjs', import.meta.url)
