import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nodeIdentity, parseLabels } from './node-identity.js'

describe('node identity', () => {
  it('names the Kubernetes node and pod from the downward API, and the labels', () => {
    const id = nodeIdentity(
      { NODE_NAME: 'ip-10-0-1-7', POD_NAME: 'doctor-x', POD_NAMESPACE: 'edge' },
      { site: 'ams1' },
    )
    expect(id).toMatchObject({
      kubernetes: { node: 'ip-10-0-1-7', pod: 'doctor-x', namespace: 'edge' },
      labels: { site: 'ams1' },
    })
    expect(id.hostname).toBeTruthy()
  })
  it('reads the Expanso node id the bootstrap wrote; EXPANSO_NODE_ID overrides it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-edge-'))
    mkdirSync(join(dir, 'config.d'))
    writeFileSync(join(dir, 'config.d/99-dynamic.yaml'), 'orchestrator:\n  node_id: n-4f2a\n')
    expect(nodeIdentity({ EXPANSO_EDGE_CONFIG_DIR: dir }).expansoNodeId).toBe('n-4f2a')
    expect(nodeIdentity({ EXPANSO_EDGE_CONFIG_DIR: dir, EXPANSO_NODE_ID: 'override' }).expansoNodeId).toBe(
      'override',
    )
    expect(nodeIdentity({ EXPANSO_EDGE_CONFIG_DIR: join(dir, 'none') }).expansoNodeId).toBeUndefined()
  })
  it('refuses a label without key=value', () => {
    expect(parseLabels(['team=edge,site=ams1'])).toEqual({ team: 'edge', site: 'ams1' })
    expect(() => parseLabels(['oops'])).toThrow('--label oops: expected key=value')
  })
})
