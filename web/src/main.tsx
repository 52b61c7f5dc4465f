import { createRoot } from 'react-dom/client'
import { Providers } from './providers.tsx'
import './styles.css'
import './quotes.css'
import { App } from './app.tsx'
import { SessionProvider } from './session.tsx'
import { SignupPage } from './signup/signup-page.tsx'
import { PaymentUpdatePage } from './pay/payment-update-page.tsx'
import { RenewalPage } from './signup/renewal-page.tsx'
import { AutoRenewalPage } from './signup/auto-renewal-page.tsx'

// The customer's hosted sign-up page (/q/<token>) shares the bundle but not the office shell or session.
const signupToken = /^\/q\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
// The payment-update page (/pay/<token>) from the failed-payment email, likewise.
const payToken = /^\/pay\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
// The renewal offer (/renew/<token>) and the automatic-renewal page (/auto-renewal/<token>) from renewal emails and receipts.
const renewToken = /^\/renew\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
const autoRenewalToken = /^\/auto-renewal\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]

createRoot(document.getElementById('root')!).render(
  <Providers>
    {signupToken ? (
      <SignupPage token={decodeURIComponent(signupToken)} />
    ) : payToken ? (
      <PaymentUpdatePage token={decodeURIComponent(payToken)} />
    ) : renewToken ? (
      <RenewalPage token={decodeURIComponent(renewToken)} />
    ) : autoRenewalToken ? (
      <AutoRenewalPage token={decodeURIComponent(autoRenewalToken)} />
    ) : (
      <SessionProvider>
        <App />
      </SessionProvider>
    )}
  </Providers>,
)
