import { defineStore } from 'pinia'
import { api, ApiError, readCookie } from '../api/client'

export interface User {
  id: string
  kind: 'citizen' | 'officer'
  full_name: string
  personal_id?: string | null
  date_of_birth?: string | null
  email?: string | null
  phone?: string | null
  agency?: { code: string; name_vi: string; name_en: string } | null
  roles: string[]
}

export const useAuth = defineStore('auth', {
  state: () => ({ user: null as User | null, loaded: false }),
  getters: {
    signedIn: (s) => s.user !== null,
    isOfficer: (s) => s.user?.kind === 'officer',
  },
  actions: {
    /** Who is signed in (once per page load; cookies are httpOnly, so ask the server). */
    async load(force = false): Promise<User | null> {
      if (this.loaded && !force) return this.user
      if (!readCookie('csrf_access_token') && !readCookie('csrf_refresh_token')) {
        this.user = null
      } else {
        try {
          this.user = await api.get<User>('/auth/me')
        } catch (err) {
          if (!(err instanceof ApiError) || err.status !== 401) throw err
          this.user = null
        }
      }
      this.loaded = true
      return this.user
    },
    async login(username: string, password: string): Promise<User> {
      await api.post('/auth/login', { username, password })
      this.loaded = false
      return (await this.load(true))!
    },
    async register(data: Record<string, unknown>): Promise<User> {
      await api.post('/auth/register', data)
      const username = (data.email || data.phone || data.personal_id) as string
      return this.login(username, data.password as string)
    },
    async logout(): Promise<void> {
      try {
        await api.post('/auth/logout')
      } catch {
        /* the session may be gone already */
      }
      this.user = null
    },
  },
})
