/** Entity ids: prefixed, lowercase ULIDs that sort in creation order; junk is recognised before a lookup. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isId, newId } from './ids.ts'

test('an id is its prefix and a lowercase 26-character ULID, and is recognised as one', () => {
  const id = newId('cus')
  assert.match(id, /^cus_[0-9a-hjkmnp-tv-z]{26}$/)
  assert.ok(isId('cus', id))
  assert.equal(isId('agr', id), false, 'another prefix')
  assert.ok(isId('pm', newId('pm')))
})

test('ids made one after another are all different and sort in creation order, even within a millisecond', () => {
  const ids = Array.from({ length: 3000 }, () => newId('inv'))
  assert.equal(new Set(ids).size, ids.length)
  assert.deepEqual([...ids].sort(), ids)
  for (const id of ids) assert.ok(isId('inv', id), id)
})

test("each millisecond's first id has fresh random bits, so ids made by two processes at once do not collide", () => {
  // One id per millisecond for 400 ms: 16 random bytes each, drawn from a 4 KiB pool that is
  // refilled after 256 of them. (Within one millisecond ids only count up from the first.)
  const firsts: string[] = []
  for (let last = -1; firsts.length < 400; ) {
    const now = Date.now()
    if (now !== last) (last = now), firsts.push(newId('pay'))
  }
  const randomParts = firsts.map((id) => id.slice(14))
  assert.equal(new Set(randomParts).size, randomParts.length)
  const counts = new Map<string, number>()
  for (const c of randomParts.join('')) counts.set(c, (counts.get(c) ?? 0) + 1)
  // 6,400 characters over the 32 of the alphabet: ~200 each when uniform.
  assert.equal(counts.size, 32)
  for (const [c, n] of counts) assert.ok(n > 100 && n < 300, `${c}: ${n}`)
})

test('junk is not an id: wrong length, capitals, letters ULIDs leave out, text around it', () => {
  const id = newId('wo')
  for (const junk of [id.slice(0, -1), `${id}0`, id.toUpperCase(), `wo_${id.slice(3).replace(/.$/, 'i')}`, `wo_${id.slice(3).replace(/.$/, 'l')}`,
    `wo_${id.slice(3).replace(/.$/, 'o')}`, `wo_${id.slice(3).replace(/.$/, 'u')}`, ` ${id}`, `x${id}`, `${id}\n`, 'wo_', '', `wo-${id.slice(3)}`])
    assert.equal(isId('wo', junk), false, JSON.stringify(junk))
})
