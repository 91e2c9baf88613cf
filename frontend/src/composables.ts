import { ref, shallowRef, type Ref } from 'vue'
import { ApiError } from './api/client'

/** A request's data, loading flag and error, for <AsyncState>. */
export function useAsync<T>(fn: () => Promise<T>, immediate = true) {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  async function run(): Promise<T | null> {
    loading.value = true
    error.value = null
    try {
      data.value = await fn()
      return data.value
    } catch (err) {
      error.value = err
      return null
    } finally {
      loading.value = false
    }
  }
  if (immediate) void run()
  return { data, loading, error, run }
}

/** A form's submission: busy flag, the problem's detail, and field errors at their fields. */
export function useSubmit() {
  const busy = ref(false)
  const message = ref('')
  const code = ref('')
  const fieldErrors = ref<Record<string, string[]>>({})
  async function submit<T>(fn: () => Promise<T>, networkText = ''): Promise<T | null> {
    busy.value = true
    message.value = ''
    code.value = ''
    fieldErrors.value = {}
    try {
      return await fn()
    } catch (err) {
      if (err instanceof ApiError) {
        fieldErrors.value = err.fieldErrors
        code.value = err.code
        message.value = err.status === 0 && networkText ? networkText : err.message
      } else {
        message.value = String(err)
      }
      return null
    } finally {
      busy.value = false
    }
  }
  const errorsOf = (name: string) => fieldErrors.value[name] || []
  return { busy, message, code, fieldErrors, submit, errorsOf }
}
