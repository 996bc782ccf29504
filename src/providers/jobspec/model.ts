// Pure facts the jobspec checks share with the Vault checks: how a path relates to its KV mount, and how a
// file mode is written. Re-exported from the Vault model so a jobspec check imports its own provider only.
export { kvPathCheck, octalMode, type KvMount } from '../vault/model.js'
