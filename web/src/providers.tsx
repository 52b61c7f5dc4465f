import './mantine.css'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClientProvider } from '@tanstack/react-query'
import { StrictMode, type ReactNode } from 'react'
import { queryClient } from './query.ts'
import { cssVariablesResolver, theme } from './theme.ts'

/** The design system (theme, toasts) and the server-data cache, around the office app and the customer pages. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} forceColorScheme="light">
        {/* Top centre, over the header: never over the page title's actions or a form's buttons. */}
        <Notifications position="top-center" limit={3} containerWidth={440} />
        <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
      </MantineProvider>
    </StrictMode>
  )
}
