// RSA keys for the simulators, drawn from a small per-process pool. A 2048-bit key costs 100–200 ms to
// generate, and a process that prepares many scenarios (the test suite, a CI matrix) would spend most of
// its time on keys nobody needs to be new: each scenario's simulators are their own, so a key reused by a
// later scenario is harmless. What must hold is that keys made close together differ — a rogue CA next to
// the trusted one, a stale service-account key next to the current one — so the pool hands out POOL
// distinct keys in turn before any comes round again. Keys are generated on first use, never stored.
import { generateKeyPairSync, type KeyObject } from 'node:crypto'

const POOL = 8
const keys: { privateKey: KeyObject; publicKey: KeyObject }[] = []
let next = 0

/** The next RSA-2048 key pair of the pool (a fresh one until the pool is full). */
export function rsaKeyPair(): { readonly privateKey: KeyObject; readonly publicKey: KeyObject } {
  const i = next++ % POOL
  return (keys[i] ??= generateKeyPairSync('rsa', { modulusLength: 2048 }))
}
