// The client-side twin of backend/catalog/forms.py validate_data: same rules, same message
// keys, same dotted paths, so an error appears at its field before the server is asked.
import type { Condition, Errors, Field, FormDefinition, Msg } from './types'

const PROVINCE_CODES = new Set('001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096 '.trim().split(' '))
const MOBILE_PREFIXES = new Set([
  ...'23456789'.split('').map((d) => '3' + d),
  '52', '55', '56', '58', '59', '70', '76', '77', '78', '79',
  ...'123456789'.split('').map((d) => '8' + d),
  ...'0123456789'.split('').map((d) => '9' + d),
])
const DEFAULT_MAX_LENGTH: Record<string, number> = { text: 1000, textarea: 10000 }
const MAX_ABS_NUMBER = 1e15
const MAX_REPEAT_ITEMS = 100
const MAX_STREET_LENGTH = 200
const NUMBER_RE = /^-?[0-9]+(?:\.[0-9]+)?$/
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\x00-\x1f\x7f-\x9f]/
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE_RE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/
const EMAIL_RE =
  /^(?<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@(?<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59}))$/
const PHONE_SEPARATORS_RE = /[\s.\-()]/g
const PHONE_RE = /^(?:(?:\+|00)?840?|0)([0-9]{9})$/
const ADDRESS_KEYS = ['province_code', 'ward_code', 'street'] as const
const MISSING = Symbol('missing')

export function normalizePhone(value: string): string | null {
  const match = PHONE_RE.exec(value.replace(PHONE_SEPARATORS_RE, ''))
  if (!match || !MOBILE_PREFIXES.has(match[1].slice(0, 2))) return null
  return '0' + match[1]
}

export function personalIdErrors(value: string): string[] {
  if (!/^[0-9]{12}$/.test(value)) return ['personal_id.format']
  return PROVINCE_CODES.has(value.slice(0, 3)) ? [] : ['personal_id.province']
}

/** Python's str.strip() (Unicode whitespace) closely enough for form input. */
function strip(text: string): string {
  return text.replace(/^[\s\u0085\u180e]+|[\s\u0085\u180e]+$/g, '')
}

export function todayInVietnam(now: Date = new Date()): string {
  // Asia/Ho_Chi_Minh is UTC+7 all year (no daylight saving).
  return new Date(now.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10)
}

function parseDate(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null
  const [y, m, d] = value.split('-').map(Number)
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null
  }
  return y >= 1 ? value : null
}

function viDate(iso: string): string {
  const [y, m, d] = iso.split('-')
  return `${d}/${m}/${y}`
}

export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0
  if (typeof value === 'object') return Object.keys(value as object).length === 0
  return false
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b
  return a === b
}

class Context {
  errors: Errors = {}
  constructor(
    public partial: boolean,
    public today: string,
  ) {}
  add(path: string, key: string, params?: Msg['params']): void {
    ;(this.errors[path] ||= []).push(params ? { key, params } : { key })
  }
  has(path: string): boolean {
    return Object.keys(this.errors).some((k) => k === path || k.startsWith(path + '.'))
  }
  dropUnder(path: string): void {
    for (const k of Object.keys(this.errors)) {
      if (k === path || k.startsWith(path + '.')) delete this.errors[k]
    }
  }
}

const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key))

export function topFields(definition: FormDefinition): Field[] {
  return (definition.sections || []).flatMap((s) => s.fields || [])
}

/**
 * Check ``data`` against ``definition``. ``partial`` (draft save): only present keys, empty
 * values allowed. Otherwise (submission): required fields, ``min_items``, visibility too.
 */
export function validateData(
  definition: FormDefinition,
  data: unknown,
  options: { partial: boolean; today?: string },
): { cleaned: Record<string, unknown>; errors: Errors } {
  const context = new Context(options.partial, options.today || todayInVietnam())
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    context.add('_schema', 'form.object')
    return { cleaned: {}, errors: context.errors }
  }
  const fields = topFields(definition)
  const cleaned = cleanObject(fields, data as Record<string, unknown>, '', context)
  if (!options.partial) completeObject(fields, cleaned, '', context, null)
  return { cleaned, errors: context.errors }
}

function cleanObject(fields: Field[], raw: Record<string, unknown>, path: string, ctx: Context) {
  const known = new Set(fields.map((f) => f.name))
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) ctx.add(join(path, key), 'form.unknown_field')
  }
  const cleaned: Record<string, unknown> = {}
  for (const field of fields) {
    if (field.name in raw) {
      const value = cleanValue(field, raw[field.name], join(path, field.name), ctx)
      if (value !== MISSING) cleaned[field.name] = value
    }
  }
  return cleaned
}

function cleanValue(field: Field, value: unknown, path: string, ctx: Context): unknown {
  if (value === null || value === undefined) return null
  switch (field.type) {
    case 'text':
    case 'textarea':
      return cleanText(field, value, path, ctx)
    case 'number':
      return cleanNumber(field, value, path, ctx)
    case 'date':
      return cleanDate(field, value, path, ctx)
    case 'select':
    case 'radio':
      if (value === '') return null
      if (typeof value !== 'string' || !(field.options || []).some((o) => o.value === value)) {
        ctx.add(path, 'form.choice')
        return MISSING
      }
      return value
    case 'checkbox':
      return cleanCheckbox(field, value, path, ctx)
    case 'personal_id': {
      const text = cleanString(value, path, ctx)
      if (typeof text !== 'string') return text
      const number = text.replace(/\s+/g, '')
      const errors = personalIdErrors(number)
      errors.forEach((key) => ctx.add(path, key))
      return errors.length ? MISSING : number
    }
    case 'phone': {
      const text = cleanString(value, path, ctx)
      if (typeof text !== 'string') return text
      const phone = normalizePhone(text)
      if (!phone) {
        ctx.add(path, 'phone.invalid')
        return MISSING
      }
      return phone
    }
    case 'email': {
      const text = cleanString(value, path, ctx)
      if (typeof text !== 'string') return text
      const match = text.length <= 254 ? EMAIL_RE.exec(text) : null
      if (!match || match.groups!.local.length > 64) {
        ctx.add(path, 'form.email')
        return MISSING
      }
      return `${match.groups!.local}@${match.groups!.domain.toLowerCase()}`
    }
    case 'address':
      return cleanAddress(value, path, ctx)
    case 'group':
      return cleanGroup(field, value, path, ctx)
  }
  return value
}

function cleanString(value: unknown, path: string, ctx: Context): string | null | typeof MISSING {
  if (typeof value !== 'string') {
    ctx.add(path, 'form.text')
    return MISSING
  }
  return strip(value) || null
}

function cleanText(field: Field, value: unknown, path: string, ctx: Context): unknown {
  if (typeof value !== 'string') {
    ctx.add(path, 'form.text')
    return MISSING
  }
  const multiline = field.type === 'textarea'
  let text = strip(value.normalize('NFC'))
  if (multiline) text = text.replace(/\r\n/g, '\n').replace(/\r/g, '\n')
  if (!text) return null
  if ((multiline ? CONTROL_MULTILINE_RE : CONTROL_RE).test(text)) {
    ctx.add(path, 'form.control_characters')
    return MISSING
  }
  let ok = true
  const length = [...text].length // code points, like Python's len()
  const low = field.min_length
  const high = field.max_length ?? DEFAULT_MAX_LENGTH[field.type]
  if (low !== undefined && length < low) {
    ctx.add(path, 'form.min_length', { min: low })
    ok = false
  }
  if (length > high) {
    ctx.add(path, 'form.max_length', { max: high })
    ok = false
  }
  if (ok && field.pattern && !new RegExp(`^(?:${field.pattern})$`, 'u').test(text)) {
    ctx.add(path, 'form.pattern')
    ok = false
  }
  return ok ? text : MISSING
}

function cleanNumber(field: Field, value: unknown, path: string, ctx: Context): unknown {
  let number: number | typeof MISSING = MISSING
  if (typeof value === 'string') {
    const text = strip(value)
    if (!text) return null
    if (text.length <= 40 && NUMBER_RE.test(text)) number = Number(text)
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    number = value
  }
  if (number === MISSING || Math.abs(number) > MAX_ABS_NUMBER) {
    ctx.add(path, 'form.number')
    return MISSING
  }
  if (field.integer && !Number.isInteger(number)) {
    ctx.add(path, 'form.integer')
    return MISSING
  }
  let ok = true
  if (field.min !== undefined && number < Number(field.min)) {
    ctx.add(path, 'form.min', { min: field.min as number })
    ok = false
  }
  if (field.max !== undefined && number > Number(field.max)) {
    ctx.add(path, 'form.max', { max: field.max as number })
    ok = false
  }
  return ok ? number : MISSING
}

function cleanDate(field: Field, value: unknown, path: string, ctx: Context): unknown {
  if (typeof value === 'string' && !strip(value)) return null
  const parsed = parseDate(typeof value === 'string' ? strip(value) : value)
  if (!parsed) {
    ctx.add(path, 'form.date')
    return MISSING
  }
  const bound = (b: unknown) => (b === 'today' ? ctx.today : parseDate(b))
  const low = bound(field.min)
  const high = bound(field.max)
  let ok = true
  if (low && parsed < low) {
    ctx.add(path, 'form.date_min', { min: low, min_vi: viDate(low) })
    ok = false
  }
  if (high && parsed > high) {
    ctx.add(path, 'form.date_max', { max: high, max_vi: viDate(high) })
    ok = false
  }
  return ok ? parsed : MISSING
}

function cleanCheckbox(field: Field, value: unknown, path: string, ctx: Context): unknown {
  if (!field.options) {
    if (typeof value !== 'boolean') {
      ctx.add(path, 'form.boolean')
      return MISSING
    }
    return value
  }
  if (!Array.isArray(value)) {
    ctx.add(path, 'form.list')
    return MISSING
  }
  const options = field.options.map((o) => o.value)
  if (!value.every((v) => typeof v === 'string' && options.includes(v))) {
    ctx.add(path, 'form.choice')
    return MISSING
  }
  if (new Set(value).size !== value.length) {
    ctx.add(path, 'form.duplicate_choice')
    return MISSING
  }
  if (field.max_items !== undefined && value.length > field.max_items) {
    ctx.add(path, 'form.max_items', { max: field.max_items })
    return MISSING
  }
  return options.filter((o) => value.includes(o))
}

function cleanAddress(value: unknown, path: string, ctx: Context): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    ctx.add(path, 'form.object')
    return MISSING
  }
  const raw = value as Record<string, unknown>
  for (const key of Object.keys(raw)) {
    if (!(ADDRESS_KEYS as readonly string[]).includes(key)) ctx.add(`${path}.${key}`, 'form.unknown_field')
  }
  const cleaned: Record<string, unknown> = {}
  for (const key of ADDRESS_KEYS) {
    if (key in raw) {
      const part = raw[key] === null || raw[key] === undefined ? null : cleanString(raw[key], `${path}.${key}`, ctx)
      if (part !== MISSING) cleaned[key] = part
    }
  }
  const street = cleaned.street
  if (typeof street === 'string') {
    const normal = street.normalize('NFC')
    if (CONTROL_RE.test(normal)) {
      ctx.add(`${path}.street`, 'form.control_characters')
      delete cleaned.street
    } else if ([...normal].length > MAX_STREET_LENGTH) {
      ctx.add(`${path}.street`, 'form.max_length', { max: MAX_STREET_LENGTH })
      delete cleaned.street
    } else {
      cleaned.street = normal
    }
  }
  return cleaned
}

function cleanGroup(field: Field, value: unknown, path: string, ctx: Context): unknown {
  const fields = field.fields || []
  if (!field.repeat) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      ctx.add(path, 'form.object')
      return MISSING
    }
    return cleanObject(fields, value as Record<string, unknown>, path, ctx)
  }
  if (!Array.isArray(value)) {
    ctx.add(path, 'form.list')
    return MISSING
  }
  const high = field.max_items ?? MAX_REPEAT_ITEMS
  if (value.length > high) {
    ctx.add(path, 'form.max_items', { max: high })
    return MISSING
  }
  return value.map((item, index) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      return cleanObject(fields, item as Record<string, unknown>, `${path}.${index}`, ctx)
    }
    ctx.add(`${path}.${index}`, 'form.object')
    return null
  })
}

// phase 2 (submission): visibility, required fields, min_items

type Lookup = (name: string) => unknown

export function visibility(
  fields: Field[],
  values: Record<string, unknown>,
  outer: Lookup | null,
): { visible: Record<string, boolean>; lookup: Lookup } {
  const byName = new Map(fields.map((f) => [f.name, f]))
  const memo = new Map<string, boolean>()
  const evaluating = new Set<string>()
  const isVisible = (name: string): boolean => {
    if (!memo.has(name)) {
      if (evaluating.has(name)) return false
      evaluating.add(name)
      const condition = byName.get(name)!.visible_if
      memo.set(name, condition === undefined || holds(condition, lookup))
      evaluating.delete(name)
    }
    return memo.get(name)!
  }
  const lookup: Lookup = (name) => {
    if (byName.has(name)) return isVisible(name) ? values[name] : null
    return outer ? outer(name) : null
  }
  const visible: Record<string, boolean> = {}
  for (const name of byName.keys()) visible[name] = isVisible(name)
  return { visible, lookup }
}

export function holds(condition: Condition, lookup: Lookup): boolean {
  if (!condition || typeof condition !== 'object') return false
  if ('all' in condition) return (condition.all || []).every((c) => holds(c, lookup))
  if ('any' in condition) return (condition.any || []).some((c) => holds(c, lookup))
  const value = lookup(condition.field)
  if ('not_empty' in condition) return !isEmpty(value)
  let expected: unknown[]
  if ('equals' in condition) expected = [condition.equals]
  else if (Array.isArray((condition as { in: unknown[] }).in)) expected = (condition as { in: unknown[] }).in
  else return false
  const actual = Array.isArray(value) ? value : [value]
  return actual.some((a) => expected.some((e) => same(a, e)))
}

function completeObject(
  fields: Field[],
  cleaned: Record<string, unknown>,
  path: string,
  ctx: Context,
  outer: Lookup | null,
): void {
  const { visible, lookup } = visibility(fields, cleaned, outer)
  const top = outer ?? lookup
  for (const field of fields) {
    const fieldPath = join(path, field.name)
    if (!visible[field.name]) {
      delete cleaned[field.name]
      ctx.dropUnder(fieldPath)
      continue
    }
    if (ctx.has(fieldPath)) continue
    completeValue(field, cleaned[field.name], fieldPath, ctx, top)
  }
}

function completeValue(field: Field, value: unknown, path: string, ctx: Context, top: Lookup): void {
  const required = field.required ?? false
  if (field.type === 'group') {
    if (!field.repeat) {
      completeObject(field.fields || [], (value as Record<string, unknown>) ?? {}, path, ctx, top)
      return
    }
    const items = (value as (Record<string, unknown> | null)[]) || []
    const low = field.min_items ?? 0
    if (items.length < low) ctx.add(path, 'form.min_items', { min: low })
    items.forEach((item, index) => {
      if (item !== null) completeObject(field.fields || [], item, `${path}.${index}`, ctx, top)
    })
  } else if (field.type === 'address') {
    if (isEmpty(value)) {
      if (required) ctx.add(path, 'form.required')
      return
    }
    const address = value as Record<string, unknown>
    for (const key of ADDRESS_KEYS) {
      const partPath = `${path}.${key}`
      if ((address[key] === null || address[key] === undefined) && !ctx.has(partPath)) {
        ctx.add(partPath, 'form.required')
      }
    }
  } else if (field.type === 'checkbox' && !field.options) {
    if (required && value !== true) ctx.add(path, 'form.must_accept')
  } else if (field.type === 'checkbox') {
    const chosen = (value as string[]) || []
    if (required && chosen.length === 0) ctx.add(path, 'form.required')
    else if (chosen.length < (field.min_items ?? 0)) ctx.add(path, 'form.min_items', { min: field.min_items! })
  } else if (required && isEmpty(value)) {
    ctx.add(path, 'form.required')
  }
}
