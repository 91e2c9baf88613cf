// One fetch wrapper for the whole SPA: cookie session + CSRF double submit, the UI language,
// RFC 9457 problems turned into ApiError (field errors kept by path), one silent refresh.

export interface Problem {
  type?: string
  title?: string
  status: number
  detail?: string
  code?: string
  errors?: Record<string, string[] | Record<string, unknown>>
  request_id?: string
  [key: string]: unknown
}

export class ApiError extends Error {
  status: number
  code: string
  problem: Problem
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`)
    this.status = problem.status
    this.code = problem.code || ''
    this.problem = problem
  }
  /** Field errors flattened to dotted paths (``form.full_name`` → messages). */
  get fieldErrors(): Record<string, string[]> {
    return flattenErrors(this.problem.errors || {})
  }
}

export function flattenErrors(errors: unknown, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  if (Array.isArray(errors)) {
    if (errors.every((e) => typeof e === 'string')) {
      out[prefix] = errors as string[]
    } else {
      errors.forEach((e, i) => Object.assign(out, flattenErrors(e, prefix ? `${prefix}.${i}` : `${i}`)))
    }
  } else if (errors && typeof errors === 'object') {
    for (const [key, value] of Object.entries(errors as Record<string, unknown>)) {
      Object.assign(out, flattenErrors(value, prefix ? `${prefix}.${key}` : key))
    }
  } else if (typeof errors === 'string') {
    out[prefix] = [errors]
  }
  return out
}

let language = 'vi'
export function setApiLanguage(lang: string): void {
  language = lang
}

export function readCookie(name: string): string {
  const match = document.cookie.split('; ').find((part) => part.startsWith(`${name}=`))
  return match ? decodeURIComponent(match.slice(name.length + 1)) : ''
}

export interface RequestOptions {
  method?: string
  body?: unknown
  headers?: Record<string, string>
  query?: Record<string, string | number | boolean | undefined | null>
  /** Do not try to refresh the session on 401 (used by the refresh call itself). */
  noRefresh?: boolean
  signal?: AbortSignal
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const base = path.startsWith('/api/') ? path : `/api/v1${path}`
  if (!query) return base
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${base}?${qs}` : base
}

let refreshing: Promise<boolean> | null = null

async function refreshSession(): Promise<boolean> {
  const csrf = readCookie('csrf_refresh_token')
  if (!csrf) return false
  refreshing ??= fetch('/api/v1/auth/session/refresh', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'X-CSRF-TOKEN': csrf, Accept: 'application/json' },
  })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      setTimeout(() => (refreshing = null), 0)
    })
  return refreshing
}

export async function request<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = (options.method || 'GET').toUpperCase()
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': language,
    ...options.headers,
  }
  let body: BodyInit | undefined
  if (options.body instanceof FormData) {
    body = options.body
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie('csrf_access_token')
    if (csrf) headers['X-CSRF-TOKEN'] = csrf
  }
  let response: Response
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError({ status: 0, code: 'network', title: 'network' })
  }
  if (response.status === 401 && !options.noRefresh && readCookie('csrf_refresh_token')) {
    if (await refreshSession()) return request<T>(path, { ...options, noRefresh: true })
  }
  return parse<T>(response)
}

export async function parse<T>(response: Response): Promise<T> {
  const type = response.headers.get('Content-Type') || ''
  const isJson = type.includes('json')
  const payload = isJson ? await response.json().catch(() => null) : null
  if (!response.ok) {
    const problem: Problem =
      payload && typeof payload === 'object'
        ? { ...(payload as Problem), status: response.status }
        : { status: response.status, title: response.statusText }
    throw new ApiError(problem)
  }
  return (payload ?? (response.status === 204 ? null : await response.text().catch(() => null))) as T
}

/** Upload with progress (fetch has no upload progress): XMLHttpRequest with the same headers. */
export function upload<T = unknown>(
  path: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest()
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', buildUrl(path))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json')
    xhr.setRequestHeader('Accept-Language', language)
    const csrf = readCookie('csrf_access_token')
    if (csrf) xhr.setRequestHeader('X-CSRF-TOKEN', csrf)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total)
    }
    xhr.onload = () => {
      let payload: unknown = null
      try {
        payload = JSON.parse(xhr.responseText)
      } catch {
        payload = null
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve(payload as T)
      } else {
        const problem = (payload && typeof payload === 'object' ? payload : {}) as Problem
        reject(new ApiError({ ...problem, status: xhr.status }))
      }
    }
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network', title: 'network' }))
    xhr.onabort = () => reject(new ApiError({ status: 0, code: 'aborted', title: 'aborted' }))
    xhr.send(form)
  })
  return { promise, abort: () => xhr.abort() }
}

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID()
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query']) => request<T>(path, { query }),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    request<T>(path, { method: 'POST', body: body ?? {}, headers }),
  patch: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PATCH', body }),
  put: <T>(path: string, body?: unknown) => request<T>(path, { method: 'PUT', body }),
  del: <T>(path: string) => request<T>(path, { method: 'DELETE' }),
}
