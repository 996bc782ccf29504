// The Google SDKs, loaded on first use: `--help`, `checks` and offline runs load neither.
import type * as GoogleAuthLib from 'google-auth-library'
import type * as SecretManagerLib from '@google-cloud/secret-manager'

export type AuthModule = typeof GoogleAuthLib
export type SmModule = typeof SecretManagerLib

let authModule: Promise<AuthModule> | undefined
let smModule: Promise<SmModule> | undefined

// CJS packages: named exports may sit on `default` depending on how the loader interops.
const pick = <M>(m: M & { default?: unknown }, probe: string): M =>
  m.default && typeof m.default === 'object' && probe in m.default ? (m.default as M) : m

/** google-auth-library: its federation flows, and gaxios (the HTTP stack every Google client uses). */
export const loadAuth = (): Promise<AuthModule> =>
  (authModule ??= import('google-auth-library').then((m) => pick<AuthModule>(m, 'GoogleAuth')))

export const loadSecretManager = (): Promise<SmModule> =>
  (smModule ??= import('@google-cloud/secret-manager').then((m) =>
    pick<SmModule>(m, 'SecretManagerServiceClient'),
  ))
