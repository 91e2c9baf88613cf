import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useAuth } from '../src/stores/auth'
import { ApiError } from '../src/api/client'

const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }))

describe('auth store and API client', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    document.cookie = 'csrf_access_token=abc; path=/'
  })

  it('signs in, then asks who is signed in; writes carry the CSRF token', async () => {
    const fetchMock = vi.fn((url: string) =>
      url.endsWith('/auth/login') ? json(200, { csrf_token: 'abc' }) : json(200, { id: 'u', kind: 'citizen', full_name: 'An', roles: [] }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const auth = useAuth()
    const user = await auth.login('congdan@demo.dvc.local', 'pw')
    expect(user.full_name).toBe('An')
    expect(auth.signedIn).toBe(true)
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit]
    expect((init.headers as Record<string, string>)['X-CSRF-TOKEN']).toBe('abc')
    expect((init.headers as Record<string, string>)['Accept-Language']).toBe('vi')
    vi.unstubAllGlobals()
  })

  it('turns problem+json into an ApiError with field errors by path', async () => {
    vi.stubGlobal('fetch', () =>
      json(422, { title: 'Dữ liệu không hợp lệ', detail: 'Xem errors.', code: 'validation-failed', errors: { form: { children: { '0': { name: ['Sai'] } } } } }),
    )
    const auth = useAuth()
    const err = await auth.login('x', 'y').catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.message).toBe('Xem errors.')
    expect(err.fieldErrors).toEqual({ 'form.children.0.name': ['Sai'] })
    vi.unstubAllGlobals()
  })

  it('refreshes the session once on 401 and retries', async () => {
    document.cookie = 'csrf_refresh_token=r1; path=/'
    const calls: string[] = []
    let meCalls = 0
    vi.stubGlobal('fetch', (url: string) => {
      calls.push(url)
      if (url.endsWith('/auth/session/refresh')) return json(200, {})
      meCalls += 1
      return meCalls === 1 ? json(401, { title: 'x', code: 'auth.expired' }) : json(200, { id: 'u', kind: 'officer', full_name: 'B', roles: ['clerk'] })
    })
    const auth = useAuth()
    const user = await auth.load(true)
    expect(user?.kind).toBe('officer')
    expect(calls).toEqual(['/api/v1/auth/me', '/api/v1/auth/session/refresh', '/api/v1/auth/me'])
    vi.unstubAllGlobals()
  })
})
