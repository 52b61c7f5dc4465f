import { randomInt } from 'node:crypto'

/**
 * UAT deliberately shuffles field order and injects junk fields so integrations prove their
 * parsers tolerant [doc: CP-REPO CardPointeGatewayAPI.md; external-apis.md A2]. The sandbox
 * does the same to every gateway answer (objects, and each object inside an array).
 */
export function uatShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(uatShape)
  if (!value || typeof value !== 'object') return value
  const entries = Object.entries(value as Record<string, unknown>)
  entries.push([`uatjunk${randomInt(100, 999)}`, randomInt(0, 2) === 0 ? { note: 'ignore me', n: [1, 2] } : 'ignore'])
  for (let i = entries.length - 1; i > 0; i--) {
    const j = randomInt(0, i + 1)
    ;[entries[i], entries[j]] = [entries[j], entries[i]]
  }
  return Object.fromEntries(entries)
}
