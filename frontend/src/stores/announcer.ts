import { defineStore } from 'pinia'

/** One polite live region for asynchronous status ("Saved", "Uploaded", errors). */
export const useAnnouncer = defineStore('announcer', {
  state: () => ({ message: '', assertive: '' }),
  actions: {
    say(message: string) {
      this.message = ''
      setTimeout(() => (this.message = message), 30)
    },
    alert(message: string) {
      this.assertive = ''
      setTimeout(() => (this.assertive = message), 30)
    },
  },
})
