import { describe, expect, it } from 'vitest'
import { REMOVED, isSecretKey, scrubHcl, scrubTemplate, scrubValue } from './bundle-scrub.js'

describe('bundle scrubbing', () => {
  it('empties credential-named config values and keeps paths, roles and structure', () => {
    expect(
      scrubValue({
        vault: {
          token: 'hvs.x',
          tokenFile: '/run/t',
          auth: { role: 'edge', secretIdFile: '/s', roleId: 'r-1' },
        },
        secrets: [{ path: 'secret/a' }],
        n: 3,
      }),
    ).toEqual({
      vault: {
        token: REMOVED,
        tokenFile: '/run/t',
        auth: { role: 'edge', secretIdFile: '/s', roleId: REMOVED },
      },
      secrets: [{ path: 'secret/a' }],
      n: 3,
    })
    expect(['token', 'client_secret', 'AWS_SECRET_ACCESS_KEY', 'password', 'apiKey'].every(isSecretKey)).toBe(
      true,
    )
    expect(['token_path', 'secret_id_file_path', 'secrets', 'role', 'path'].some(isSecretKey)).toBe(false)
  })

  it('removes every literal from a template, keeping keys and template actions', () => {
    const t = [
      '{{ with secret "secret/data/x" }}',
      'KAFKA_PASSWORD={{ .Data.data.kafka_password }}',
      'STATIC=hunter2hunter2',
      'export OTHER="quoted value"',
      'EMPTY=',
      'url: https://user:pw@example.com',
      '# a comment',
      '{{ end }}',
    ].join('\n')
    expect(scrubTemplate(t).split('\n')).toEqual([
      '{{ with secret "secret/data/x" }}',
      'KAFKA_PASSWORD={{ .Data.data.kafka_password }}',
      `STATIC=${REMOVED}`,
      `export OTHER=${REMOVED}`,
      'EMPTY=',
      `url: ${REMOVED}`,
      '# a comment',
      '{{ end }}',
    ])
  })

  it('empties credential attributes and literal inline templates in agent HCL', () => {
    const hcl = [
      'vault {',
      '  address = "https://vault:8200"',
      '}',
      'auto_auth {',
      '  method {',
      '    config = {',
      '      role = "expanso-edge"',
      '      token = "hvs.literal-token-value"',
      '      "secret_id" = "literal-secret-id"',
      '      secret_id_file_path = "/etc/vault/secret-id"',
      '    }',
      '  }',
      '}',
      'template {',
      '  contents = "PASSWORD=literal"',
      '}',
      'template {',
      '  contents = <<EOT',
      'DB_PASSWORD=hunter2hunter2',
      'API={{ with secret "x" }}{{ .Data.data.k }}{{ end }}',
      'EOT',
      '}',
    ].join('\n')
    const out = scrubHcl(hcl)
    expect(out).not.toMatch(/literal-token-value|literal-secret-id|PASSWORD=literal|hunter2/)
    expect(out).toContain('address = "https://vault:8200"')
    expect(out).toContain('role = "expanso-edge"')
    expect(out).toContain(`token = "${REMOVED}"`)
    expect(out).toContain(`"secret_id" = "${REMOVED}"`)
    expect(out).toContain('secret_id_file_path = "/etc/vault/secret-id"')
    expect(out).toContain(`DB_PASSWORD=${REMOVED}`)
    expect(out).toContain('API={{ with secret "x" }}{{ .Data.data.k }}{{ end }}')
  })
})
