import { inflateSync } from 'node:zlib'

/**
 * The text of a pdfkit PDF, for assertions: inflates the streams, reads the ToUnicode CMap of
 * the embedded font and decodes every `TJ` run with it. Enough for our one-font documents; not
 * a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const streams: string[] = []
  const raw = pdf.toString('latin1')
  const re = /stream\r?\n/g
  let m: RegExpExecArray | null
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length
    const end = raw.indexOf('endstream', start)
    const bytes = pdf.subarray(start, end)
    try {
      streams.push(inflateSync(bytes).toString('latin1'))
    } catch {
      streams.push(bytes.toString('latin1'))
    }
  }
  const map = new Map<number, string>()
  for (const s of streams.filter((x) => x.includes('beginbfrange'))) {
    for (const r of s.matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})> \[([^\]]*)\]/gi)) {
      const first = parseInt(r[1], 16)
      const entries = [...r[3].matchAll(/<([0-9a-f ]+)>/gi)].map((e) =>
        String.fromCharCode(...e[1].trim().split(/\s+/).map((h) => parseInt(h, 16))),
      )
      entries.forEach((text, i) => map.set(first + i, text))
    }
  }
  const lines: string[] = []
  for (const s of streams.filter((x) => /TJ/.test(x))) {
    for (const run of s.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      let line = ''
      for (const hex of run[1].matchAll(/<([0-9a-f]*)>/gi)) {
        for (let i = 0; i + 4 <= hex[1].length; i += 4) line += map.get(parseInt(hex[1].slice(i, i + 4), 16)) ?? '?'
      }
      lines.push(line)
    }
  }
  return lines.join('\n')
}
