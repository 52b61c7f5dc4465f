/** The manage-renewal link in a notice or receipt: valid 400 days, and one already e-mailed keeps working. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { addDaysIso } from './iso-date.ts'
import { manageRenewalToken, manageRenewalUrl, readManageRenewalToken } from './renewal-link.ts'

const key = 'k'.repeat(64)
const agreement = 'agr_01jab0000000000000000000zz'

test('a link sent today works for 400 days, through the public URL', () => {
  const url = manageRenewalUrl('https://acme.example', key, agreement, '2026-12-02')
  assert.match(url, /^https:\/\/acme\.example\/auto-renewal\/01jab0000000000000000000zz20280106[A-Za-z0-9_-]{43}$/)
  const token = url.slice('https://acme.example/auto-renewal/'.length)
  assert.equal(readManageRenewalToken(key, token, '2028-01-06'), agreement)
  assert.equal(readManageRenewalToken(key, token, '2028-01-07'), null)
  assert.match(manageRenewalUrl('https://acme.example', key, agreement, '2027-02-28'), /auto-renewal\/01jab0000000000000000000zz20280403/, 'across month ends and a leap day')
  assert.equal(addDaysIso('2027-02-28', 400), '2028-04-03')
})

test('the signature recipe is fixed: a link e-mailed earlier still opens', () => {
  assert.equal(manageRenewalToken(key, agreement, '2027-06-30'), '01jab0000000000000000000zz20270630lpQZnkP1hbHY7X_yv-pE4dzr7_DlJFciZDQDjBKzBV4')
  assert.equal(readManageRenewalToken(key, '01jab0000000000000000000zz20270630lpQZnkP1hbHY7X_yv-pE4dzr7_DlJFciZDQDjBKzBV4', '2027-01-01'), agreement)
})

test('anything but a well-formed token is refused before its signature is checked', () => {
  const token = manageRenewalToken(key, agreement, '2027-06-30')
  for (const junk of [`x${token}`, `${token}x`, token.slice(1), token.toUpperCase(), `${token.slice(0, 26)}2027063x${token.slice(34)}`, ''])
    assert.equal(readManageRenewalToken(key, junk, '2027-01-01'), null, junk)
  assert.equal(manageRenewalToken(key, 'xagr_01jab0000000000000000000zz', '2027-06-30').slice(0, 5), 'xagr_', 'only a leading agr_ is dropped')
})

test('calendar days forward and back without time-zone drift', () => {
  assert.equal(addDaysIso('2027-02-27', 2), '2027-03-01')
  assert.equal(addDaysIso('2028-02-28', 1), '2028-02-29')
  assert.equal(addDaysIso('2027-01-01', -1), '2026-12-31')
  assert.equal(addDaysIso('2027-01-01', 0), '2027-01-01')
})
