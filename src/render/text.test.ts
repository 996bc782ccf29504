import { Chalk } from 'chalk'
import { describe, expect, it } from 'vitest'
import { sampleReport } from '../../test/fixtures/report.js'
import { remedyLine, renderText } from './text.js'

const plain = new Chalk({ level: 0 })

describe('renderText remedies', () => {
  it("quotes the documentation's words with their section", () => {
    expect(
      remedyLine(
        {
          id: 'bp.least-privilege',
          title: 'Implement Least Privilege',
          source: 'doc',
          section: 'Best Practices 2',
        },
        plain,
      ),
    ).toBe('“Implement Least Privilege” — documentation, Best Practices 2')
  })

  it("says the tool's own advice is the tool's, unquoted", () => {
    expect(
      remedyLine(
        {
          id: 'node.sync-clock',
          title: 'Synchronise the clock with NTP',
          source: 'extended',
          section: 'Clock',
        },
        plain,
      ),
    ).toBe('Synchronise the clock with NTP — edge-secrets advice')
  })

  it('the summary shows each kind as such', () => {
    const text = renderText(sampleReport(), { color: plain })
    expect(text).toContain(
      '→ “Confirm secret paths are correct” — documentation, Troubleshooting › Authentication Failures',
    )
    expect(text).toContain('→ Synchronise the clock with NTP — edge-secrets advice')
    expect(text).not.toContain('“Synchronise')
  })
})
