import { describe, expect, it } from 'vitest'
import { didYouMean, suggest } from './suggest.js'

const IDS = [
  'node.env-vars',
  'node.env-file-perms',
  'vault.tls',
  'vault.token-ttl',
  'vault.capabilities',
  'aws.region',
  'aws.identity',
  'k8s.access',
  'k8s.external-secret',
  'gcp.latency',
  'vault.latency',
  'aws.latency',
]

describe('suggest', () => {
  it('ranks prefix matches first', () => {
    expect(suggest('vault.t', IDS)).toEqual(['vault.tls', 'vault.token-ttl'])
  })
  it('then candidates sharing a whole token', () => {
    expect(suggest('latency', IDS)).toEqual(['aws.latency', 'gcp.latency', 'vault.latency'])
  })
  it('then near misses by edit distance', () => {
    expect(suggest('node.env-var', IDS)[0]).toBe('node.env-vars')
    expect(suggest('vault.capabilites', IDS)).toEqual(['vault.capabilities'])
  })
  it('suggests nothing rather than something unrelated', () => {
    expect(suggest('nope', IDS)).toEqual([])
    expect(didYouMean('nope', IDS)).toBe('')
    expect(didYouMean('doctr', ['doctor', 'checks', 'explain', 'demo'])).toBe('. Did you mean doctor?')
  })
})
