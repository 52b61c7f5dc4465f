import { App } from './app.tsx'
import { SessionProvider } from './session.tsx'

/** The office app with its session: its own chunk, loaded only off the customer pages. */
export function OfficeApp() {
  return (
    <SessionProvider>
      <App />
    </SessionProvider>
  )
}
