import { createRoot } from 'react-dom/client'
import { Providers } from './providers.tsx'
import './styles.css'
import './quotes.css'
import { App } from './app.tsx'
import { SessionProvider } from './session.tsx'
import { SignupPage } from './signup/signup-page.tsx'
import { PaymentUpdatePage } from './pay/payment-update-page.tsx'

// The customer's hosted sign-up page (/q/<token>) shares the bundle but not the office shell or session.
const signupToken = /^\/q\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
// The payment-update page (/pay/<token>) from the failed-payment email, likewise.
const payToken = /^\/pay\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]

createRoot(document.getElementById('root')!).render(
  <Providers>
    {signupToken ? (
      <SignupPage token={decodeURIComponent(signupToken)} />
    ) : payToken ? (
      <PaymentUpdatePage token={decodeURIComponent(payToken)} />
    ) : (
      <SessionProvider>
        <App />
      </SessionProvider>
    )}
  </Providers>,
)
