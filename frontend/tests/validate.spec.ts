import { describe, expect, it } from 'vitest'
import { validateData, normalizePhone, personalIdErrors, holds } from '../src/forms/validate'
import { formatMessage } from '../src/forms/messages'
import type { FormDefinition } from '../src/forms/types'

const definition: FormDefinition = {
  sections: [
    {
      key: 'a',
      title: { vi: 'A' },
      fields: [
        { name: 'full_name', type: 'text', label: { vi: 'Họ tên' }, required: true, min_length: 2, max_length: 10 },
        { name: 'code', type: 'text', label: { vi: 'Mã' }, pattern: '[A-Z]{2}[0-9]+' },
        { name: 'copies', type: 'number', label: { vi: 'Số bản' }, required: true, min: 1, max: 20, integer: true },
        { name: 'birth', type: 'date', label: { vi: 'Ngày sinh' }, min: '1900-01-01', max: 'today' },
        { name: 'kind', type: 'select', label: { vi: 'Loại' }, options: [{ value: 'a', label: { vi: 'A' } }, { value: 'b', label: { vi: 'B' } }] },
        { name: 'reason', type: 'text', label: { vi: 'Lý do' }, required: true, visible_if: { field: 'kind', equals: 'b' } },
        { name: 'pid', type: 'personal_id', label: { vi: 'Số ĐDCN' } },
        { name: 'phone', type: 'phone', label: { vi: 'SĐT' } },
        { name: 'email', type: 'email', label: { vi: 'Email' } },
        { name: 'tags', type: 'checkbox', label: { vi: 'Nhãn' }, options: [{ value: 'x', label: { vi: 'X' } }, { value: 'y', label: { vi: 'Y' } }], min_items: 1 },
        { name: 'agree', type: 'checkbox', label: { vi: 'Cam đoan' }, required: true },
        { name: 'home', type: 'address', label: { vi: 'Địa chỉ' }, required: true },
        {
          name: 'children',
          type: 'group',
          label: { vi: 'Con' },
          repeat: true,
          max_items: 2,
          fields: [{ name: 'name', type: 'text', label: { vi: 'Tên' }, required: true }],
        },
      ],
    },
  ],
}

const keys = (errors: Record<string, { key: string }[]>) =>
  Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, v.map((m) => m.key)]))

describe('validateData, partial (draft saves)', () => {
  it('checks only the given keys and accepts empty values', () => {
    expect(validateData(definition, { full_name: '' }, { partial: true }).errors).toEqual({})
    expect(validateData(definition, {}, { partial: true }).errors).toEqual({})
  })
  it('reports the same keys and parameters as the server', () => {
    const { errors } = validateData(
      definition,
      { full_name: 'A', copies: '2.5', birth: '2999-01-01', kind: 'z', pid: '123', phone: '0123', email: 'x@', code: 'ab1' },
      { partial: true, today: '2026-11-27' },
    )
    expect(keys(errors)).toEqual({
      full_name: ['form.min_length'],
      copies: ['form.integer'],
      birth: ['form.date_max'],
      kind: ['form.choice'],
      pid: ['personal_id.format'],
      phone: ['phone.invalid'],
      email: ['form.email'],
      code: ['form.pattern'],
    })
    expect(errors.full_name[0].params).toEqual({ min: 2 })
    expect(errors.birth[0].params).toEqual({ max: '2026-11-27', max_vi: '27/11/2026' })
  })
  it('rejects unknown fields and too many group items', () => {
    const { errors } = validateData(definition, { nope: 1, children: [{}, {}, {}] }, { partial: true })
    expect(keys(errors)).toEqual({ nope: ['form.unknown_field'], children: ['form.max_items'] })
  })
  it('normalises values like the server', () => {
    const { cleaned } = validateData(
      definition,
      { full_name: '  Bình ', copies: '3', phone: '+84 912 345 678', email: 'A@Example.VN', pid: '0560 9012 3456', tags: ['y', 'x'] },
      { partial: true },
    )
    expect(cleaned).toEqual({ full_name: 'Bình', copies: 3, phone: '0912345678', email: 'A@example.vn', pid: '056090123456', tags: ['x', 'y'] })
  })
})

describe('validateData, full (submission)', () => {
  it('requires visible required fields, declarations, list minimums and complete addresses', () => {
    const { errors } = validateData(definition, { kind: 'a', home: { province_code: '56' }, children: [{}] }, { partial: false })
    expect(keys(errors)).toEqual({
      full_name: ['form.required'],
      copies: ['form.required'],
      tags: ['form.min_items'],
      agree: ['form.must_accept'],
      'home.ward_code': ['form.required'],
      'home.street': ['form.required'],
      'children.0.name': ['form.required'],
    })
  })
  it('ignores and drops hidden fields', () => {
    const hidden = validateData(definition, { kind: 'a', reason: 'x' }, { partial: false })
    expect(hidden.errors.reason).toBeUndefined()
    expect(hidden.cleaned.reason).toBeUndefined()
    const shown = validateData(definition, { kind: 'b' }, { partial: false })
    expect(keys(shown.errors).reason).toEqual(['form.required'])
  })
})

describe('helpers', () => {
  it('recognises Vietnamese mobile numbers', () => {
    expect(normalizePhone('0912345678')).toBe('0912345678')
    expect(normalizePhone('0084-912.345.678')).toBe('0912345678')
    expect(normalizePhone('0212345678')).toBeNull()
  })
  it('checks the personal ID structure', () => {
    expect(personalIdErrors('056090001234')).toEqual([])
    expect(personalIdErrors('003090001234')).toEqual(['personal_id.province'])
    expect(personalIdErrors('12345')).toEqual(['personal_id.format'])
  })
  it('evaluates conditions on lists, any and all', () => {
    const values: Record<string, unknown> = { tags: ['x'], n: 0 }
    const lookup = (name: string) => values[name]
    expect(holds({ field: 'tags', equals: 'x' }, lookup)).toBe(true)
    expect(holds({ any: [{ field: 'tags', in: ['y'] }, { field: 'n', not_empty: true }] }, lookup)).toBe(true)
    expect(holds({ all: [{ field: 'tags', in: ['x'] }, { field: 'missing', not_empty: true }] }, lookup)).toBe(false)
  })
  it('formats the messages in both languages', () => {
    expect(formatMessage('form.min_length', { min: 2 }, 'vi')).toBe('Cần ít nhất 2 ký tự.')
    expect(formatMessage('form.date_max', { max: '2026-11-27', max_vi: '27/11/2026' }, 'en')).toBe(
      'The date must be on or before 2026-11-27.',
    )
  })
})
