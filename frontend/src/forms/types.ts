// The e-form definition of a procedure version (backend/catalog/forms.py).
export type Text = { vi: string; en?: string }
export type Condition =
  | { field: string; equals: unknown }
  | { field: string; in: unknown[] }
  | { field: string; not_empty: true }
  | { all: Condition[] }
  | { any: Condition[] }

export interface Option {
  value: string
  label: Text
}

export interface Field {
  name: string
  type:
    | 'text'
    | 'textarea'
    | 'number'
    | 'date'
    | 'select'
    | 'radio'
    | 'checkbox'
    | 'personal_id'
    | 'phone'
    | 'email'
    | 'address'
    | 'group'
  label: Text
  required?: boolean
  help?: Text
  placeholder?: Text
  visible_if?: Condition
  min_length?: number
  max_length?: number
  pattern?: string
  min?: number | string
  max?: number | string
  integer?: boolean
  options?: Option[]
  min_items?: number
  max_items?: number
  fields?: Field[]
  repeat?: boolean
}

export interface Section {
  key: string
  title: Text
  description?: Text
  fields: Field[]
}

export interface FormDefinition {
  sections: Section[]
}

export type FormData = Record<string, unknown>

/** A message key with its parameters, translated by the UI (same keys as the server). */
export interface Msg {
  key: string
  params?: Record<string, string | number>
}
export type Errors = Record<string, Msg[]>
