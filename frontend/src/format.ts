export function money(amount: number, locale: string): string {
  return new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'vi-VN').format(amount) + ' ₫'
}
/** Dates and times are shown in Vietnam's time zone whatever the browser's. */
export function dateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'vi-VN', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(new Date(iso))
}
export function dateOnly(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—'
  const value = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00+07:00` : iso
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'vi-VN', {
    dateStyle: 'short',
    timeZone: 'Asia/Ho_Chi_Minh',
  }).format(new Date(value))
}
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
/** Due-date class for badges: overdue, due within 2 days, or fine. */
export function dueClass(due: string | null | undefined, now = Date.now()): 'overdue' | 'soon' | null {
  if (!due) return null
  const left = new Date(due).getTime() - now
  if (left < 0) return 'overdue'
  if (left < 2 * 24 * 3600 * 1000) return 'soon'
  return null
}
