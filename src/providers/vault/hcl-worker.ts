// The HCL parser's thread. HashiCorp's parser is Go compiled to WASM (@cdktf/hcl2json): starting it costs
// ~150 ms of CPU and ~55 MB, and on the main thread that time is taken from every other check of the run.
// Here it runs beside them on another core; agent-config.ts sends file texts and gets the JSON back.
import { parentPort } from 'node:worker_threads'

export type HclRequest = { readonly id: number; readonly filename: string; readonly contents: string }
export type HclAnswer =
  | { readonly id: number; readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly id: number; readonly ok: false; readonly message: string }

const port = parentPort
if (port) {
  const parser = import('@cdktf/hcl2json') as unknown as Promise<{
    parse: (filename: string, contents: string) => Promise<Record<string, unknown>>
  }>
  port.on('message', async ({ id, filename, contents }: HclRequest) => {
    try {
      const value = await (await parser).parse(filename, contents)
      port.postMessage({ id, ok: true, value } satisfies HclAnswer)
    } catch (e) {
      port.postMessage({
        id,
        ok: false,
        message: e instanceof Error ? e.message : String(e),
      } satisfies HclAnswer)
    }
  })
}
