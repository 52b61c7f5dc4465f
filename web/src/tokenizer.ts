import { useEffect } from 'react'

/** What the gateway's iFrame tokenizer hands the page: a token (never a card number) and the expiry. */
export interface CardToken {
  token: string
  expiry: string
}

/**
 * Listens to the gateway's iFrame tokenizer: it posts a JSON string to its parent window; only
 * messages from `origin` are trusted. [doc: external-apis.md A14] Used by the sign-up page and
 * the payment-update page.
 */
export function useTokenizer(origin: string | null, onCard: (card: CardToken | null) => void, onProblem: (problem: string | null) => void): void {
  useEffect(() => {
    if (!origin) return
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== origin || typeof event.data !== 'string') return
      let data: Record<string, unknown>
      try {
        data = JSON.parse(event.data) as Record<string, unknown>
      } catch {
        return
      }
      if (typeof data.validationError === 'string' && data.validationError) {
        onCard(null)
        onProblem(`${data.validationError}. Check the number.`)
        return
      }
      const token = typeof data.message === 'string' ? data.message : ''
      if (token && typeof data.expiry === 'string' && data.expiry) {
        onCard({ token, expiry: data.expiry })
        onProblem(null)
      } else if ('errorCode' in data && data.errorCode !== '0') {
        onCard(null)
        onProblem(typeof data.errorMessage === 'string' && data.errorMessage ? data.errorMessage : 'The card details could not be read. Please check them.')
      }
    }
    window.addEventListener('message', onMessage)
    return () => window.removeEventListener('message', onMessage)
  }, [origin, onCard, onProblem])
}
