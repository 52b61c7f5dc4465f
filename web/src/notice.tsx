import { createContext, useCallback, useContext, useState, type ReactNode } from 'react'
import { navigationCount, useLocation } from './router.tsx'

interface Notice {
  text: string
  at: number
}

const NoticeContext = createContext<{ notice: Notice | null; show(text: string): void; clear(): void } | null>(null)

/**
 * Success notices ("Customer saved"). A notice shown just before a navigation survives that one
 * navigation (save → detail page) and disappears on the next.
 */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notice, setNotice] = useState<Notice | null>(null)
  const show = useCallback((text: string) => setNotice({ text, at: navigationCount() }), [])
  const clear = useCallback(() => setNotice(null), [])
  return <NoticeContext.Provider value={{ notice, show, clear }}>{children}</NoticeContext.Provider>
}

export function useNotice(): (text: string) => void {
  const value = useContext(NoticeContext)
  if (!value) throw new Error('useNotice needs a NoticeProvider')
  return value.show
}

/** The live region where notices appear; always rendered so screen readers announce changes. */
export function NoticeArea() {
  useLocation()
  const value = useContext(NoticeContext)
  const visible = value?.notice && navigationCount() - value.notice.at <= 1 ? value.notice : null
  return (
    <div role="status" className="notice-area">
      {visible && (
        <p className="notice">
          {visible.text}{' '}
          <button type="button" className="link-button" onClick={value?.clear}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  )
}
