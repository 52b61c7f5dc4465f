import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { NoticeProvider } from './notice.tsx'
import { SessionProvider } from './session.tsx'
import './styles.css'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <NoticeProvider>
        <App />
      </NoticeProvider>
    </SessionProvider>
  </StrictMode>,
)
