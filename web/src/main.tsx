import { Center, Loader } from '@mantine/core'
import { lazy, Suspense } from 'react'
import { createRoot } from 'react-dom/client'
import { Providers } from './providers.tsx'
import './styles.css'
import './quotes.css'

// Each audience loads only its own code: a customer's page never downloads the office app, and the reverse.
const App = lazy(() => import('./office.tsx').then((m) => ({ default: m.OfficeApp })))
const SignupPage = lazy(() => import('./signup/signup-page.tsx').then((m) => ({ default: m.SignupPage })))
const PaymentUpdatePage = lazy(() => import('./pay/payment-update-page.tsx').then((m) => ({ default: m.PaymentUpdatePage })))
const RenewalPage = lazy(() => import('./signup/renewal-page.tsx').then((m) => ({ default: m.RenewalPage })))
const AutoRenewalPage = lazy(() => import('./signup/auto-renewal-page.tsx').then((m) => ({ default: m.AutoRenewalPage })))

// The customer's hosted sign-up page (/q/<token>) shares the bundle but not the office shell or session.
const signupToken = /^\/q\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
// The payment-update page (/pay/<token>) from the failed-payment email, likewise.
const payToken = /^\/pay\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
// The renewal offer (/renew/<token>) and the automatic-renewal page (/auto-renewal/<token>) from renewal emails and receipts.
const renewToken = /^\/renew\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
const autoRenewalToken = /^\/auto-renewal\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]

createRoot(document.getElementById('root')!).render(
  <Providers>
    <Suspense
      fallback={
        <Center h="100dvh">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      {signupToken ? (
        <SignupPage token={decodeURIComponent(signupToken)} />
      ) : payToken ? (
        <PaymentUpdatePage token={decodeURIComponent(payToken)} />
      ) : renewToken ? (
        <RenewalPage token={decodeURIComponent(renewToken)} />
      ) : autoRenewalToken ? (
        <AutoRenewalPage token={decodeURIComponent(autoRenewalToken)} />
      ) : (
        <App />
      )}
    </Suspense>
  </Providers>,
)
