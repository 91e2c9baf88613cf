import { defineStore } from 'pinia'
import { api } from '../api/client'

/** The unread notifications count of the header badge (GET /me/notifications/unread-count). */
export const useUnread = defineStore('unread', {
  state: () => ({ count: 0 }),
  actions: {
    async refresh(): Promise<void> {
      try {
        this.count = (await api.get<{ unread: number }>('/me/notifications/unread-count')).unread
      } catch {
        this.count = 0
      }
    },
  },
})
