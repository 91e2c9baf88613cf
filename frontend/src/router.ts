import { START_LOCATION, createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuth } from './stores/auth'
import HomeView from './views/citizen/HomeView.vue'

// Citizen screens are small separate chunks; the officer screens are one lazy chunk group
// that a citizen never downloads.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  { path: '/thu-tuc/:code', name: 'procedure', component: () => import('./views/citizen/ProcedureView.vue') },
  { path: '/dang-nhap', name: 'login', component: () => import('./views/citizen/LoginView.vue') },
  { path: '/dang-ky', name: 'register', component: () => import('./views/citizen/RegisterView.vue') },
  { path: '/quen-mat-khau', name: 'forgot', component: () => import('./views/citizen/ForgotPasswordView.vue') },
  { path: '/dat-lai-mat-khau', name: 'reset', component: () => import('./views/citizen/ResetPasswordView.vue') },
  { path: '/nop-ho-so/:id', name: 'apply', component: () => import('./views/citizen/ApplyView.vue'), meta: { auth: 'citizen' } },
  { path: '/ho-so-cua-toi', name: 'my-dossiers', component: () => import('./views/citizen/MyDossiersView.vue'), meta: { auth: 'citizen' } },
  { path: '/ho-so-cua-toi/:id', name: 'my-dossier', component: () => import('./views/citizen/DossierView.vue'), meta: { auth: 'citizen' } },
  { path: '/giay-to-cua-toi', name: 'my-documents', component: () => import('./views/citizen/MyDocumentsView.vue'), meta: { auth: 'citizen' } },
  { path: '/thong-bao', name: 'notifications', component: () => import('./views/citizen/NotificationsView.vue'), meta: { auth: 'any' } },
  { path: '/thanh-toan/ket-qua', name: 'payment-result', component: () => import('./views/citizen/PaymentResultView.vue') },
  { path: '/tra-cuu', name: 'lookup', component: () => import('./views/citizen/LookupView.vue') },
  { path: '/xac-minh/:code?', name: 'verify', component: () => import('./views/citizen/VerifyView.vue') },
  { path: '/can-bo', name: 'officer-queue', component: () => import('./views/officer/QueueView.vue'), meta: { auth: 'officer' } },
  { path: '/can-bo/ho-so/:id', name: 'officer-dossier', component: () => import('./views/officer/WorkspaceView.vue'), meta: { auth: 'officer' } },
  { path: '/can-bo/thong-ke', name: 'officer-stats', component: () => import('./views/officer/StatsView.vue'), meta: { auth: 'officer' } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue') },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const need = to.meta.auth as string | undefined
  if (!need) return true
  const auth = useAuth()
  await auth.load().catch(() => null)
  if (!auth.user) return { name: 'login', query: { next: to.fullPath } }
  if (need === 'officer' && auth.user.kind !== 'officer') return { name: 'home' }
  if (need === 'citizen' && auth.user.kind !== 'citizen') return { name: 'officer-queue' }
  return true
})

// After a client-side navigation, move focus to the new page's heading so screen readers
// announce it (WCAG 2.4.3); a full page load keeps the browser's order (skip link first).
router.afterEach((_to, from) => {
  setTimeout(() => {
    const heading = document.querySelector<HTMLElement>('main h1')
    if (!heading) return
    document.title = `${heading.textContent?.trim() || ''} — Dịch vụ công`
    if (from === START_LOCATION) return
    heading.setAttribute('tabindex', '-1')
    heading.focus({ preventScroll: true })
  }, 50)
})
