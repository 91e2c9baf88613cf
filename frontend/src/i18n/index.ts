import { createI18n } from 'vue-i18n'
import { setApiLanguage } from '../api/client'
import vi from './vi'
import en from './en'

export type Locale = 'vi' | 'en'
const STORAGE_KEY = 'dvc.locale'

function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi'
  } catch {
    return 'vi'
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'vi',
  messages: { vi, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  setApiLanguage(locale)
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    /* private mode */
  }
}

setApiLanguage(i18n.global.locale.value)

/** The Vietnamese or English side of a catalogue text ({vi, en} or name_vi/name_en). */
export function pick(text: { vi: string; en?: string } | undefined | null, locale: string): string {
  if (!text) return ''
  return locale === 'en' && text.en ? text.en : text.vi
}
export function pickName(obj: Record<string, unknown> | undefined | null, locale: string, base = 'name'): string {
  if (!obj) return ''
  const en = obj[`${base}_en`] as string | undefined
  return locale === 'en' && en ? en : ((obj[`${base}_vi`] as string) ?? '')
}
