import { describe, expect, it } from 'vitest'
import { ACTIONS, actionBody, vnLocalToIso } from '../src/views/officer/actions'

describe('officer action forms', () => {
  it('maps every action the API can allow to its endpoint', () => {
    expect(ACTIONS.request_supplement.path).toBe('request-supplement')
    expect(ACTIONS.return_for_rework.path).toBe('return')
    expect(ACTIONS.payment_settled.path).toBe('settle-payment')
    expect(ACTIONS.resume_reception.path).toBe('accept-supplement')
  })

  it('builds the body: items from lines, fee lines, dates in Vietnam time, the version seen', () => {
    expect(
      actionBody(ACTIONS.request_supplement, { items: 'GTTT: Bản sao căn cước\n\nẢnh 4x6', deadline_at: '2026-12-01T16:30' }, 7),
    ).toEqual({
      version: 7,
      items: [{ component_code: 'GTTT', description: 'Bản sao căn cước' }, { description: 'Ảnh 4x6' }],
      note: null,
      deadline_at: '2026-12-01T16:30:00+07:00',
    })
    expect(actionBody(ACTIONS.request_payment, { lines: [{ name: 'Lệ phí', amount: '50000' }, { name: '', amount: '' }] }, 3)).toEqual({
      version: 3,
      lines: [{ code: 'PHI_1', name: 'Lệ phí', amount: 50000 }],
      note: null,
    })
    expect(actionBody(ACTIONS.issue, { number: '125', symbol: 'QĐ-STP' }, 9)).toEqual({ version: 9, number: '125', symbol: 'QĐ-STP' })
  })

  it('sends an empty required field so the server names it', () => {
    expect(actionBody(ACTIONS.refuse, {}, 1)).toEqual({ version: 1, reason: '' })
    expect(vnLocalToIso('')).toBe('')
  })
})
