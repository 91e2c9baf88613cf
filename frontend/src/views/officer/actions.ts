// The workflow actions of the back office: allowed_actions names → endpoint and form fields.
export type ActionField =
  | { name: string; kind: 'text' | 'textarea' | 'datetime'; required: boolean }
  | { name: 'specialist_id'; kind: 'specialist'; required: true }
  | { name: 'to'; kind: 'to'; required: true }
  | { name: 'items'; kind: 'items'; required: true }
  | { name: 'lines'; kind: 'lines'; required: true }

export interface ActionSpec {
  path: string
  fields: ActionField[]
  danger?: boolean
}

const reason: ActionField = { name: 'reason', kind: 'textarea', required: true }
const note: ActionField = { name: 'note', kind: 'textarea', required: false }

export const ACTIONS: Record<string, ActionSpec> = {
  accept: { path: 'accept', fields: [] },
  refuse: { path: 'refuse', fields: [reason], danger: true },
  request_supplement: {
    path: 'request-supplement',
    fields: [{ name: 'items', kind: 'items', required: true }, note, { name: 'deadline_at', kind: 'datetime', required: true }],
  },
  accept_supplement: { path: 'accept-supplement', fields: [] },
  resume_reception: { path: 'accept-supplement', fields: [] },
  assign: { path: 'assign', fields: [{ name: 'specialist_id', kind: 'specialist', required: true }] },
  forward: { path: 'forward', fields: [{ name: 'to', kind: 'to', required: true }, note] },
  return_for_rework: { path: 'return', fields: [{ name: 'comment', kind: 'textarea', required: true }] },
  request_payment: { path: 'request-payment', fields: [{ name: 'lines', kind: 'lines', required: true }, note] },
  payment_settled: { path: 'settle-payment', fields: [{ name: 'receipt', kind: 'text', required: true }] },
  approve: { path: 'approve', fields: [note] },
  reject: { path: 'reject', fields: [note], danger: true },
  issue: {
    path: 'issue',
    fields: [
      { name: 'number', kind: 'text', required: true },
      { name: 'symbol', kind: 'text', required: true },
    ],
  },
  deliver: { path: 'deliver', fields: [] },
  stop: { path: 'stop', fields: [reason], danger: true },
  withdraw: { path: 'withdraw', fields: [reason], danger: true },
  apologize: {
    path: 'apologize',
    fields: [{ name: 'new_due_at', kind: 'datetime', required: true }, reason],
  },
}

/** "2026-12-01T16:30" typed in Vietnam's time → an aware ISO string (+07:00). */
export function vnLocalToIso(value: string): string {
  return value ? `${value.length === 16 ? value + ':00' : value}+07:00` : value
}

/** The request body of an action from the form's raw values. */
export function actionBody(spec: ActionSpec, values: Record<string, unknown>, version: number): Record<string, unknown> {
  const body: Record<string, unknown> = { version }
  for (const field of spec.fields) {
    const raw = values[field.name]
    if (field.kind === 'items') {
      body.items = String(raw || '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => {
          const m = /^([A-Za-z0-9_.-]+):\s*(.+)$/.exec(line)
          return m ? { component_code: m[1], description: m[2] } : { description: line }
        })
    } else if (field.kind === 'lines') {
      body.lines = ((raw as { name: string; amount: string }[]) || [])
        .filter((l) => l.name || l.amount)
        .map((l, i) => ({ code: `PHI_${i + 1}`, name: l.name, amount: Number(l.amount) }))
    } else if (field.kind === 'datetime') {
      body[field.name] = vnLocalToIso(String(raw || ''))
    } else if (raw !== undefined && raw !== '') {
      body[field.name] = raw
    } else if (!field.required) {
      body[field.name] = null
    } else {
      body[field.name] = ''
    }
  }
  return body
}
