// The server's validation messages (backend/catalog/forms.py MESSAGES and
// backend/accounts/validators.py MESSAGES), word for word, so that client-side checks say
// exactly what the server would say. tests/unit/test_spa_messages.py keeps the copy in step.
import serverMessages from './server-messages.json'

export const FORM_MESSAGES: Record<string, { vi: string; en: string }> = serverMessages

export function formatMessage(
  key: string,
  params: Record<string, string | number> | undefined,
  lang: string,
): string {
  const entry = FORM_MESSAGES[key]
  const template = entry ? (lang === 'en' ? entry.en : entry.vi) : key
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    params && params[name] !== undefined ? String(params[name]) : `{${name}}`,
  )
}
