import { api, newIdempotencyKey } from './api/client'

/** Start a VNPay attempt for what the dossier owes and send the browser there. */
export async function startPayment(dossierId: string): Promise<void> {
  const started = await api.post<{ redirect_url: string; payment: { id: string } }>(
    `/dossiers/${dossierId}/payments`,
    {},
    { 'Idempotency-Key': newIdempotencyKey() },
  )
  try {
    sessionStorage.setItem(`dvc.payment.${started.payment.id}`, dossierId)
  } catch {
    /* private mode: the result page links to "my dossiers" instead */
  }
  window.location.assign(started.redirect_url)
}
