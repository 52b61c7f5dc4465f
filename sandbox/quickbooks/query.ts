import { Faults, type FaultError, type Json } from './wire.ts'

/**
 * The query language of `/v3/company/{realmId}/query`: one entity, no projections, no OR or
 * JOIN [doc: external-apis.md B8, QBO data-queries].
 *
 *   SELECT * | count(*) FROM <Entity> [WHERE <prop> <op> <value> [AND …]]
 *     [ORDERBY <prop> [ASC|DESC][, …]] [STARTPOSITION n] [MAXRESULTS n]
 *
 * Operators: = < > <= >= IN LIKE (`%` only). Keywords and entity names in any case; string
 * values in single quotes with `\'` for a quote. STARTPOSITION is 1-based; MAXRESULTS
 * defaults to 100 and is capped at 1000.
 */
export interface Query {
  count: boolean
  entity: string
  where: Condition[]
  orderBy: { field: string; desc: boolean }[]
  startPosition: number
  maxResults: number
}

export type Value = string | number | boolean
export interface Condition {
  field: string
  op: '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE'
  values: Value[]
}

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'punct'; text: string; value?: Value }

export const MAX_RESULTS = 1000
export const DEFAULT_MAX_RESULTS = 100

function tokenize(source: string): Token[] | FaultError {
  const tokens: Token[] = []
  let i = 0
  while (i < source.length) {
    const c = source[i]
    if (/\s/.test(c)) {
      i++
    } else if (c === "'") {
      let text = ''
      i++
      while (i < source.length && source[i] !== "'") {
        if (source[i] === '\\' && i + 1 < source.length) i++
        text += source[i++]
      }
      if (i >= source.length) return Faults.queryParse(`Encountered end of statement inside a string starting "'${text.slice(0, 20)}"`)
      i++
      tokens.push({ kind: 'string', text, value: text })
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^-?\d+(\.\d+)?/.exec(source.slice(i))!
      tokens.push({ kind: 'number', text: m[0], value: Number(m[0]) })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w.]*/.exec(source.slice(i))!
      tokens.push({ kind: 'word', text: m[0] })
      i += m[0].length
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      const two = source.slice(i, i + 2)
      const op = two === '<=' || two === '>=' || two === '!=' ? two : c
      if (op === '!' || op === '!=') return Faults.queryParse(`Encountered " "${op}" " at position ${i + 1}; use =, <, >, <=, >=, IN or LIKE`)
      tokens.push({ kind: 'op', text: op })
      i += op.length
    } else if (c === '(' || c === ')' || c === ',' || c === '*') {
      tokens.push({ kind: 'punct', text: c })
      i++
    } else {
      return Faults.queryParse(`Lexical error at position ${i + 1}. Encountered: "${c}"`)
    }
  }
  return tokens
}

/** Parses a statement; answers Intuit's 4000 fault for anything outside the grammar. */
export function parseQuery(source: string): Query | FaultError {
  const tokens = tokenize(source.trim())
  if (!Array.isArray(tokens)) return tokens
  let p = 0
  const peek = () => tokens[p]
  const word = (w: string) => peek()?.kind === 'word' && peek().text.toLowerCase() === w
  const expect = (w: string): FaultError | null => {
    if (!word(w)) return Faults.queryParse(`Encountered "${peek()?.text ?? '<EOF>'}" at token ${p + 1}. Was expecting: "${w}"`)
    p++
    return null
  }
  const punct = (c: string) => peek()?.kind === 'punct' && peek().text === c
  const err = expect('select')
  if (err) return err
  let count = false
  if (punct('*')) p++
  else if (word('count') && tokens[p + 1]?.text === '(' && tokens[p + 2]?.text === '*' && tokens[p + 3]?.text === ')') {
    count = true
    p += 4
  } else return Faults.queryParse(`Encountered "${peek()?.text ?? '<EOF>'}": only SELECT * or SELECT count(*) is supported (no projections)`)
  const fromErr = expect('from')
  if (fromErr) return fromErr
  if (peek()?.kind !== 'word') return Faults.queryParse('Was expecting an entity name after FROM')
  const entity = tokens[p++].text
  const query: Query = { count, entity, where: [], orderBy: [], startPosition: 1, maxResults: DEFAULT_MAX_RESULTS }
  const value = (): Value | FaultError => {
    const t = tokens[p]
    if (!t) return Faults.queryParse('Encountered <EOF> where a value was expected')
    p++
    if (t.kind === 'string' || t.kind === 'number') return t.value!
    if (t.kind === 'word' && (t.text.toLowerCase() === 'true' || t.text.toLowerCase() === 'false')) return t.text.toLowerCase() === 'true'
    return Faults.queryParse(`Encountered "${t.text}" where a value was expected`)
  }
  if (word('where')) {
    p++
    for (;;) {
      if (peek()?.kind !== 'word') return Faults.queryParse(`Encountered "${peek()?.text ?? '<EOF>'}" where a property name was expected`)
      const field = tokens[p++].text
      let op: Condition['op']
      if (peek()?.kind === 'op') op = tokens[p++].text as Condition['op']
      else if (word('in')) (op = 'IN'), p++
      else if (word('like')) (op = 'LIKE'), p++
      else return Faults.queryParse(`Encountered "${peek()?.text ?? '<EOF>'}" after "${field}". Was expecting one of: =, <, >, <=, >=, IN, LIKE`)
      const values: Value[] = []
      if (op === 'IN') {
        if (!punct('(')) return Faults.queryParse('IN must be followed by a parenthesised list')
        p++
        for (;;) {
          const v = value()
          if (typeof v === 'object') return v
          values.push(v)
          if (punct(',')) p++
          else if (punct(')')) {
            p++
            break
          } else return Faults.queryParse('Unterminated IN list')
        }
      } else {
        const v = value()
        if (typeof v === 'object') return v
        values.push(v)
      }
      query.where.push({ field, op, values })
      if (word('and')) {
        p++
        continue
      }
      if (word('or')) return Faults.queryParse('OR is not supported')
      break
    }
  }
  if (word('orderby') || (word('order') && tokens[p + 1]?.text.toLowerCase() === 'by')) {
    p += word('order') ? 2 : 1
    for (;;) {
      if (peek()?.kind !== 'word') return Faults.queryParse('Was expecting a property name after ORDERBY')
      const field = tokens[p++].text
      let desc = false
      if (word('desc')) (desc = true), p++
      else if (word('asc')) p++
      query.orderBy.push({ field, desc })
      if (punct(',')) p++
      else break
    }
  }
  for (const [key, set] of [
    ['startposition', (n: number) => (query.startPosition = Math.max(1, n))],
    ['maxresults', (n: number) => (query.maxResults = Math.min(MAX_RESULTS, Math.max(0, n)))],
  ] as const) {
    if (!word(key)) continue
    p++
    const t = tokens[p++]
    if (t?.kind !== 'number' || !Number.isInteger(t.value)) return Faults.queryParse(`${key.toUpperCase()} needs a whole number`)
    set(t.value as number)
  }
  if (p < tokens.length) return Faults.queryParse(`Encountered "${tokens[p].text}" at token ${p + 1}: unexpected text at the end of the statement`)
  return query
}

/** A property's comparable value: references by `value`, e-mail by `Address`. */
export function fieldValue(obj: Json, path: string): unknown {
  let current: unknown = obj
  for (const part of path.split('.')) {
    if (!current || typeof current !== 'object') return undefined
    const entry = Object.entries(current as Json).find(([k]) => k.toLowerCase() === part.toLowerCase())
    current = entry?.[1]
  }
  if (current && typeof current === 'object' && !Array.isArray(current)) {
    const o = current as Json
    if ('value' in o) return o.value
    if ('Address' in o) return o.Address
  }
  return current
}

function compare(a: unknown, b: Value): number | null {
  if (a === undefined || a === null) return null
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const left = String(a).toLowerCase()
    const right = String(b).toLowerCase()
    return left === right ? 0 : left < right ? -1 : 1
  }
  const na = Number(a)
  const nb = Number(b)
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb) && (typeof a === 'number' || typeof b === 'number' || /^-?\d+(\.\d+)?$/.test(String(a)))) {
    return na === nb ? 0 : na < nb ? -1 : 1
  }
  const sa = String(a)
  const sb = String(b)
  // Date-times with offsets compare as instants.
  if (/^\d{4}-\d{2}-\d{2}T/.test(sa) && /^\d{4}-\d{2}-\d{2}/.test(sb)) {
    const ta = Date.parse(sa)
    const tb = Date.parse(sb.length === 10 ? `${sb}T00:00:00` : sb)
    if (Number.isFinite(ta) && Number.isFinite(tb)) return ta === tb ? 0 : ta < tb ? -1 : 1
  }
  const la = sa.toLowerCase()
  const lb = sb.toLowerCase()
  return la === lb ? 0 : la < lb ? -1 : 1
}

export function matches(obj: Json, condition: Condition): boolean {
  const actual = fieldValue(obj, condition.field)
  const [first] = condition.values
  switch (condition.op) {
    case 'IN':
      return condition.values.some((v) => compare(actual, v) === 0)
    case 'LIKE': {
      if (actual === undefined || actual === null) return false
      const pattern = String(first).split('%').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
      return new RegExp(`^${pattern}$`, 'is').test(String(actual))
    }
    default: {
      const c = compare(actual, first)
      if (c === null) return false
      return { '=': c === 0, '<': c < 0, '>': c > 0, '<=': c <= 0, '>=': c >= 0 }[condition.op]
    }
  }
}

/** Orders rows: by the ORDERBY properties, else by Id ascending (numeric). */
export function sortRows(rows: Json[], orderBy: Query['orderBy']): Json[] {
  const keys = orderBy.length ? orderBy : [{ field: 'Id', desc: false }]
  return [...rows].sort((a, b) => {
    for (const { field, desc } of keys) {
      const va = fieldValue(a, field)
      const vb = fieldValue(b, field)
      if (va === vb) continue
      if (va === undefined || va === null) return 1
      if (vb === undefined || vb === null) return -1
      const c = compare(va, vb as Value) ?? 0
      if (c !== 0) return desc ? -c : c
    }
    return 0
  })
}
