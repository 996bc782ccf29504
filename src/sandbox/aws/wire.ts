// The two wire formats (research/wire-protocols.md §3): awsJson1_1 for Secrets Manager (JSON, `__type`
// errors, epoch-second timestamps, always HTTP 400 for client errors) and awsQuery for STS and IAM (XML
// `<Op>Response><Op>Result>`, `<ErrorResponse>` with 403 for auth failures).
import type { ServerResponse } from 'node:http'

export const XMLNS = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
} as const

export const xmlEscape = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')

export const epoch = (d: Date | undefined): number | undefined =>
  d ? Math.round(d.getTime()) / 1000 : undefined

export function sendAwsJson(res: ServerResponse, status: number, body: unknown, requestId: string): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  })
  res.end(text)
}

/** Modelled Secrets Manager errors carry `Message`; auth-layer errors `message` (the SDK reads either). */
const MODELLED = new Set([
  'ResourceNotFoundException',
  'DecryptionFailure',
  'InvalidRequestException',
  'InvalidParameterException',
])

export function sendJsonError(
  res: ServerResponse,
  requestId: string,
  code: string,
  message: string,
  status = 400,
): void {
  sendAwsJson(res, status, { __type: code, [MODELLED.has(code) ? 'Message' : 'message']: message }, requestId)
}

export function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  })
  res.end(xml)
}

export function sendQueryError(
  res: ServerResponse,
  ns: string,
  requestId: string,
  code: string,
  message: string,
  status = 403,
): void {
  sendXml(
    res,
    status,
    `<ErrorResponse xmlns="${ns}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${xmlEscape(code)}</Code>\n    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
    requestId,
  )
}

export const queryResponse = (op: string, ns: string, inner: string, requestId: string): string =>
  `<${op}Response xmlns="${ns}">\n  <${op}Result>\n${inner}  </${op}Result>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</${op}Response>\n`

/** `Name.member.1`, `Name.member.2`… of an awsQuery form. */
export function listMembers(form: URLSearchParams, name: string): string[] {
  const out: string[] = []
  for (let i = 1; form.has(`${name}.member.${i}`); i++) out.push(form.get(`${name}.member.${i}`)!)
  return out
}
