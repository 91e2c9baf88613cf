import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { safeNext, spaPath, vneidLoginHref } from '../src/links'
import { useUnread } from '../src/stores/unread'

describe('links from notifications and the sign-in page', () => {
  it('follows a notification link inside the SPA, anchor and query kept', () => {
    const origin = 'http://127.0.0.1:5000'
    expect(spaPath('https://dichvucong.example.vn/ho-so-cua-toi/abc#bo-sung', origin)).toBe('/ho-so-cua-toi/abc#bo-sung')
    expect(spaPath('https://dichvucong.example.vn/tra-cuu?ma=000.00.15.H56-261127-0001', origin)).toBe('/tra-cuu?ma=000.00.15.H56-261127-0001')
    expect(spaPath('/can-bo', origin)).toBe('/can-bo')
    expect(spaPath('javascript:alert(1)', origin)).toBeNull()
    expect(spaPath(null, origin)).toBeNull()
  })

  it('keeps "next" on this site and sends VNeID sign-in back to it', () => {
    expect(safeNext('/ho-so-cua-toi/1')).toBe('/ho-so-cua-toi/1')
    expect(safeNext('//evil.example')).toBe('')
    expect(safeNext('https://evil.example')).toBe('')
    expect(vneidLoginHref('/nop-ho-so/7?b=1')).toBe('/api/v1/auth/vneid/login?next=%2Fnop-ho-so%2F7%3Fb%3D1')
    expect(vneidLoginHref('//evil.example')).toBe('/api/v1/auth/vneid/login?next=%2Fho-so-cua-toi')
  })
})

describe('unread notifications badge', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('counts the unread notifications, and shows none when the request fails', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(new Response(JSON.stringify({ unread: 3 }), { status: 200, headers: { 'Content-Type': 'application/json' } }))))
    const unread = useUnread()
    await unread.refresh()
    expect(unread.count).toBe(3)
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('offline'))))
    await unread.refresh()
    expect(unread.count).toBe(0)
    vi.unstubAllGlobals()
  })
})
