import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { NoticeProvider } from './notice.tsx'
import { SessionProvider } from './session.tsx'
import { SignupPage } from './signup/signup-page.tsx'
import { PaymentUpdatePage } from './pay/payment-update-page.tsx'
import './styles.css'
import './quotes.css'

// The customer's hosted sign-up page (/q/<token>) shares the bundle but not the office shell or session.
const signupToken = /^\/q\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]
// The payment-update page (/pay/<token>) from the failed-payment email, likewise.
const payToken = /^\/pay\/([^/]+)\/?$/.exec(window.location.pathname)?.[1]

createRoot(document.getElementById('root')!).render(
  signupToken ? (
    <StrictMode>
      <SignupPage token={decodeURIComponent(signupToken)} />
    </StrictMode>
  ) : payToken ? (
    <StrictMode>
      <PaymentUpdatePage token={decodeURIComponent(payToken)} />
    </StrictMode>
  ) : (
  <StrictMode>
    <SessionProvider>
      <NoticeProvider>
        <App />
      </NoticeProvider>
    </SessionProvider>
  </StrictMode>
  ),
)
