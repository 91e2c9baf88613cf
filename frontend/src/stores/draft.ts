// A dossier being filled: its form data, the autosave state machine (idle → dirty → saving →
// saved | error), client-side validation before each save, server field errors at their fields.
import { defineStore } from 'pinia'
import { api, ApiError } from '../api/client'
import { validateData } from '../forms/validate'
import type { Errors, FormDefinition } from '../forms/types'

export type SaveState = 'idle' | 'dirty' | 'saving' | 'saved' | 'error'

export interface Attachment {
  id: string
  component_code: string
  filename: string
  content_type: string
  size: number
  reused: boolean
  uploaded_at: string
}

export interface Dossier {
  id: string
  code: string | null
  status: string
  version: number
  awaiting_payment: boolean
  form_data: Record<string, unknown>
  attachments: Attachment[]
  procedure: { code: string; version: number; name_vi: string; name_en: string }
  fee_due_at_submission: number
  [key: string]: unknown
}

/** Server field errors (``form.a.b`` → messages) as the renderer's errors (``a.b``). */
export function serverFormErrors(err: ApiError): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [path, messages] of Object.entries(err.fieldErrors)) {
    out[path.startsWith('form_data.') ? path.slice(10) : path.startsWith('form.') ? path.slice(5) : path] =
      messages
  }
  return out
}

export const AUTOSAVE_DELAY_MS = 1200

export const useDraft = defineStore('draft', {
  state: () => ({
    dossier: null as Dossier | null,
    definition: null as FormDefinition | null,
    data: {} as Record<string, unknown>,
    changed: new Set<string>() as Set<string>,
    state: 'idle' as SaveState,
    savedAt: null as Date | null,
    clientErrors: {} as Errors,
    serverErrors: {} as Record<string, string[]>,
    timer: null as ReturnType<typeof setTimeout> | null,
  }),
  actions: {
    open(dossier: Dossier, definition: FormDefinition) {
      this.dossier = dossier
      this.definition = definition
      this.data = JSON.parse(JSON.stringify(dossier.form_data || {}))
      this.changed = new Set()
      this.state = 'idle'
      this.savedAt = null
      this.clientErrors = {}
      this.serverErrors = {}
    },
    /** A field changed: validate it at once (partial), save after a pause. */
    set(name: string, value: unknown) {
      this.data = { ...this.data, [name]: value }
      this.changed.add(name)
      this.state = 'dirty'
      this.check(name)
      for (const key of Object.keys(this.serverErrors)) {
        if (key === name || key.startsWith(name + '.')) delete this.serverErrors[key]
      }
      this.schedule()
    },
    check(name: string) {
      if (!this.definition) return
      const { errors } = validateData(this.definition, { [name]: this.data[name] }, { partial: true })
      const kept: Errors = {}
      for (const [key, value] of Object.entries(this.clientErrors)) {
        if (key !== name && !key.startsWith(name + '.')) kept[key] = value
      }
      this.clientErrors = { ...kept, ...errors }
    },
    schedule() {
      if (this.timer) clearTimeout(this.timer)
      this.timer = setTimeout(() => void this.save(), AUTOSAVE_DELAY_MS)
    },
    /** PATCH the changed fields that pass the client checks. */
    async save(): Promise<boolean> {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
      if (!this.dossier || this.changed.size === 0) return true
      const names = [...this.changed].filter(
        (name) => !Object.keys(this.clientErrors).some((k) => k === name || k.startsWith(name + '.')),
      )
      if (names.length === 0) {
        this.state = 'error'
        return false
      }
      const patch: Record<string, unknown> = {}
      for (const name of names) patch[name] = this.data[name] === '' ? null : this.data[name]
      names.forEach((n) => this.changed.delete(n))
      this.state = 'saving'
      try {
        const updated = await api.patch<Dossier>(`/dossiers/${this.dossier.id}`, { form_data: patch })
        this.dossier = { ...this.dossier, ...updated }
        this.savedAt = new Date()
        this.state = this.changed.size ? 'dirty' : 'saved'
        return true
      } catch (err) {
        names.forEach((n) => this.changed.add(n))
        if (err instanceof ApiError) this.serverErrors = { ...this.serverErrors, ...serverFormErrors(err) }
        this.state = 'error'
        return false
      }
    },
    /** The submission check: every rule, required fields included. */
    validateAll(): boolean {
      if (!this.definition) return false
      this.clientErrors = validateData(this.definition, this.data, { partial: false }).errors
      return Object.keys(this.clientErrors).length === 0
    },
  },
})
