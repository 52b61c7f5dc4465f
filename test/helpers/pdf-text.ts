import { inflateSync } from 'node:zlib'

/**
 * The text of a pdfkit PDF, for assertions: reads every object, maps each font resource (`/F1`)
 * to its ToUnicode CMap, then decodes the content streams' `TJ` runs with the font selected by
 * the last `Tf`, one line per run. Enough for our documents (several embedded fonts, text
 * drawn by pdfkit); not a general PDF parser.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1')
  const objects = new Map<number, { dict: string; stream: string | null }>()
  for (const m of raw.matchAll(/(\d+) 0 obj\b([\s\S]*?)endobj/g)) {
    const body = m[2]!
    const at = body.search(/stream\r?\n/)
    let stream: string | null = null
    if (at >= 0) {
      const start = m.index! + m[0].indexOf(body) + body.slice(at).indexOf('\n') + at + 1
      const end = raw.indexOf('endstream', start)
      const bytes = pdf.subarray(start, end)
      try {
        stream = inflateSync(bytes).toString('latin1')
      } catch {
        stream = bytes.toString('latin1')
      }
    }
    objects.set(Number(m[1]), { dict: at >= 0 ? body.slice(0, at) : body, stream })
  }
  const cmapOf = (fontObj: number): Map<number, string> => {
    const map = new Map<number, string>()
    const ref = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontObj)?.dict ?? '')
    const cmap = ref ? objects.get(Number(ref[1]))?.stream : null
    for (const r of (cmap ?? '').matchAll(/<([0-9a-f]{4})> <([0-9a-f]{4})> \[([^\]]*)\]/gi)) {
      const first = parseInt(r[1]!, 16)
      const entries = [...r[3]!.matchAll(/<([0-9a-f ]+)>/gi)].map((e) => String.fromCharCode(...e[1]!.trim().split(/\s+/).map((h) => parseInt(h, 16))))
      entries.forEach((text, i) => map.set(first + i, text))
    }
    return map
  }
  // Font resource names → CMaps, from every /Font resource dictionary.
  const fonts = new Map<string, Map<number, string>>()
  for (const { dict } of objects.values()) {
    for (const block of dict.matchAll(/\/Font\s*<<([\s\S]*?)>>/g)) {
      for (const f of block[1]!.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) if (!fonts.has(f[1]!)) fonts.set(f[1]!, cmapOf(Number(f[2])))
    }
  }
  const lines: string[] = []
  for (const { stream } of objects.values()) {
    if (!stream || !/TJ/.test(stream)) continue
    let font = new Map<number, string>()
    for (const op of stream.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ/g)) {
      if (op[1]) {
        font = fonts.get(op[1]) ?? new Map()
        continue
      }
      let line = ''
      for (const hex of op[2]!.matchAll(/<([0-9a-f]*)>/gi)) {
        for (let i = 0; i + 4 <= hex[1]!.length; i += 4) line += font.get(parseInt(hex[1]!.slice(i, i + 4), 16)) ?? '?'
      }
      lines.push(line)
    }
  }
  return lines.join('\n')
}
