import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useDraft, type Dossier } from '../src/stores/draft'
import type { FormDefinition } from '../src/forms/types'

const definition: FormDefinition = {
  sections: [
    {
      key: 's',
      title: { vi: 'S' },
      fields: [
        { name: 'full_name', type: 'text', label: { vi: 'Họ tên' }, required: true, min_length: 2 },
        { name: 'phone', type: 'phone', label: { vi: 'SĐT' } },
      ],
    },
  ],
}
const dossier = { id: 'd1', status: 'draft', form_data: {}, attachments: [] } as unknown as Dossier

function respond(status: number, body: unknown) {
  return Promise.resolve(
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    }),
  )
}

describe('draft store (autosave)', () => {
  let fetchMock: ReturnType<typeof vi.fn>
  beforeEach(() => {
    setActivePinia(createPinia())
    vi.useFakeTimers()
    fetchMock = vi.fn(() => respond(200, { ...dossier, form_data: { full_name: 'Bình' } }))
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('saves the changed fields after a pause and shows "saved"', async () => {
    const draft = useDraft()
    draft.open(dossier, definition)
    draft.set('full_name', 'Bình')
    expect(draft.state).toBe('dirty')
    await vi.advanceTimersByTimeAsync(1300)
    expect(fetchMock).toHaveBeenCalledTimes(1)
    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/v1/dossiers/d1')
    expect(init.method).toBe('PATCH')
    expect(JSON.parse(init.body)).toEqual({ form_data: { full_name: 'Bình' } })
    expect(draft.state).toBe('saved')
    expect(draft.savedAt).toBeInstanceOf(Date)
  })

  it('does not send a value the client already knows is wrong, and says so at the field', async () => {
    const draft = useDraft()
    draft.open(dossier, definition)
    draft.set('phone', '12')
    expect(draft.clientErrors.phone.map((m) => m.key)).toEqual(['phone.invalid'])
    await vi.advanceTimersByTimeAsync(1300)
    expect(fetchMock).not.toHaveBeenCalled()
    expect(draft.state).toBe('error')
    draft.set('phone', '0912345678')
    expect(draft.clientErrors.phone).toBeUndefined()
  })

  it('puts the server field errors (problem+json) at their fields and keeps the change', async () => {
    fetchMock.mockImplementationOnce(() =>
      respond(422, { status: 422, title: 'x', detail: 'y', code: 'validation-failed', errors: { form: { full_name: ['Máy chủ từ chối.'] } } }),
    )
    const draft = useDraft()
    draft.open(dossier, definition)
    draft.set('full_name', 'Bình')
    expect(await draft.save()).toBe(false)
    expect(draft.serverErrors.full_name).toEqual(['Máy chủ từ chối.'])
    expect(draft.state).toBe('error')
    expect(draft.changed.has('full_name')).toBe(true)
  })

  it('validates everything before submission', () => {
    const draft = useDraft()
    draft.open(dossier, definition)
    expect(draft.validateAll()).toBe(false)
    expect(draft.clientErrors.full_name[0].key).toBe('form.required')
    draft.set('full_name', 'Bình')
    expect(draft.validateAll()).toBe(true)
  })
})
