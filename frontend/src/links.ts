// Links that come from the server or the address bar, made safe to follow inside the SPA.

/** A notification's absolute link (PUBLIC_BASE_URL + an SPA route) as a router path, or null
 * when it points elsewhere or is not a URL. */
export function spaPath(link: string | null | undefined, origin = window.location.origin): string | null {
  if (!link) return null
  let url: URL
  try {
    url = new URL(link, origin)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  return url.pathname + url.search + url.hash
}

/** A ``next`` query value that stays on this site (a path, not ``//host``), else ''. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : ''
}

/** Where "Sign in with VNeID" goes: the backend's redirect, coming back to ``next``. */
export function vneidLoginHref(next: unknown, fallback = '/ho-so-cua-toi'): string {
  return `/api/v1/auth/vneid/login?next=${encodeURIComponent(safeNext(next) || fallback)}`
}
