import { test } from 'node:test'
import assert from 'node:assert/strict'
import { dice, seedOf } from './dice.ts'

test('a seeded die repeats its sequence; shares hold roughly; 0 never and 1 always', () => {
  const rolls = (seed: number) => { const roll = dice(seed); return Array.from({ length: 200 }, () => roll(0.3)) }
  assert.deepEqual(rolls(42), rolls(42))
  assert.notDeepEqual(rolls(42), rolls(43))
  const hits = rolls(7).filter(Boolean).length
  assert.ok(hits > 35 && hits < 85, `${hits} of 200 at 30%`)
  const roll = dice(1)
  assert.ok(Array.from({ length: 100 }, () => roll(0)).every((x) => !x))
  assert.ok(Array.from({ length: 100 }, () => roll(1)).every((x) => x))
})

test('seeds are whole numbers from 0 to 2³²−1', () => {
  assert.equal(seedOf({}), undefined)
  assert.equal(seedOf({ seed: null }), null)
  assert.equal(seedOf({ seed: 0 }), 0)
  assert.equal(seedOf({ seed: 4294967295 }), 4294967295)
  for (const bad of [-1, 1.5, 2 ** 32, '7']) assert.match(String(seedOf({ seed: bad })), /seed must be/)
})
