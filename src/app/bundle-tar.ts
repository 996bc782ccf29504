// The support bundle's container: a gzipped ustar archive, written from memory (nothing secret-adjacent is
// ever staged on disk) and read back with node-tar's parser, which copes with archives a support engineer
// re-packed with GNU tar or bsdtar (pax and long-name headers) and refuses decompression bombs.
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'

export interface TarFile {
  readonly path: string
  readonly content: string | Buffer
  readonly mode?: number
}

const BLOCK = 512

/** A .tar.gz of in-memory files, each owned by root, with one mtime; names are ASCII and short. */
export async function tarGz(files: readonly TarFile[], mtime: Date): Promise<Buffer> {
  const { Header } = await import('tar')
  const parts: Buffer[] = []
  for (const f of files) {
    const data = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8')
    const header = Buffer.alloc(BLOCK)
    const h = new Header({
      path: f.path,
      mode: f.mode ?? 0o600,
      size: data.length,
      mtime,
      type: 'File',
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
    })
    h.encode(header, 0)
    if (h.needPax) throw new Error(`bundle entry name too long for ustar: ${f.path}`)
    parts.push(header, data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK))
  }
  parts.push(Buffer.alloc(2 * BLOCK))
  return gzipSync(Buffer.concat(parts))
}

export type EntryLookup =
  | { readonly kind: 'found'; readonly path: string; readonly text: string }
  | { readonly kind: 'missing' | 'invalid'; readonly reason: string }

/**
 * The first regular file named `name` (at any depth: a bundle re-packed inside a folder still counts) in a
 * tar or tar.gz, as text within `cap` bytes. Never throws: a broken archive is a reason.
 */
export async function readBundleEntry(
  input: Buffer | NodeJS.ReadableStream,
  name: string,
  cap: number,
): Promise<EntryLookup> {
  const { Parser } = await import('tar')
  return new Promise((resolve) => {
    let result: EntryLookup | undefined
    let warning: string | undefined
    const settle = (r: EntryLookup) => {
      result ??= r
    }
    const parser = new Parser({
      strict: false,
      onReadEntry: (entry) => {
        if (result || entry.type !== 'File' || basename(entry.path) !== name) {
          entry.resume()
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        entry.on('data', (c: Buffer) => {
          size += c.length
          if (size <= cap) chunks.push(c)
        })
        entry.on('end', () =>
          settle(
            size > cap
              ? { kind: 'invalid', reason: `${entry.path} in the archive is over ${cap} bytes` }
              : { kind: 'found', path: entry.path, text: Buffer.concat(chunks).toString('utf8') },
          ),
        )
      },
    })
    parser.on('warn', (_code: string, message: string | Error) => {
      warning ??= typeof message === 'string' ? message : message.message
    })
    const finish = () =>
      resolve(
        result ??
          (warning
            ? { kind: 'invalid', reason: `not a readable tar archive (${warning})` }
            : { kind: 'missing', reason: `a tar archive without ${name}` }),
      )
    parser.on('end', finish)
    parser.on('error', (e: Error) => {
      warning ??= e.message
      finish()
    })
    const source = Buffer.isBuffer(input) ? Readable.from([input]) : input
    source.on('error', (e: Error) => {
      warning ??= e.message
      finish()
    })
    source.pipe(parser as unknown as NodeJS.WritableStream)
  })
}
