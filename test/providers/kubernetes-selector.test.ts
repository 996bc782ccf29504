// Two label-selector readers written apart — the doctor's (kubernetes.selector picks workloads) and the
// simulated API server's (`?labelSelector=`) — must agree with each other and with Kubernetes' own rules:
// a bug in one shows up as a disagreement here instead of being copied into the other.
import { describe, expect, it } from 'vitest'
import { matchesSelector } from '../../src/providers/kubernetes/model.js'
import { parseLabelSelector, SelectorSyntaxError } from '../../src/sandbox/kubernetes/selector.js'

const labels = {
  app: 'expanso-edge',
  tier: 'edge',
  'pod-template-hash': '7d9c5b7f8d',
  'example.com/team': 'data',
}

const cases: [selector: string, expected: boolean][] = [
  ['app=expanso-edge', true],
  ['app==expanso-edge', true],
  ['app = expanso-edge', true],
  ['app!=expanso-edge', false],
  ['app!=other', true],
  ['missing!=x', true],
  ['app=other', false],
  ['app', true],
  ['missing', false],
  ['!missing', true],
  ['!app', false],
  ['app in (expanso-edge,other)', true],
  ['app in (other, more)', false],
  ['app notin (other)', true],
  ['app notin (expanso-edge)', false],
  ['missing notin (x)', true],
  ['missing in (x)', false],
  ['app=expanso-edge,tier=edge', true],
  ['app=expanso-edge,tier=core', false],
  ['app in (expanso-edge),pod-template-hash', true],
  ['example.com/team=data', true],
  ['example.com/team in (data, ml),!missing,tier!=core', true],
  ['', true],
]

describe('label selectors: the doctor and the simulated API server agree', () => {
  it.each(cases)('%j → %s', (selector, expected) => {
    expect(matchesSelector(labels, selector)).toBe(expected)
    expect(parseLabelSelector(selector)(labels)).toBe(expected)
  })

  it.each(['app in (a', 'app in a', '=x', 'app=x,,', '(app)', 'app notin'])(
    'the simulator rejects %j as the API server does (400)',
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow(SelectorSyntaxError)
    },
  )
})
