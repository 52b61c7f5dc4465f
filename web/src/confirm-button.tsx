import { useEffect, useRef, useState } from 'react'

interface ConfirmButtonProps {
  /** The button's text, e.g. "Archive customer". */
  label: string
  /** The question asked before acting, e.g. "Archive Acme? It leaves lists and searches." */
  question: string
  confirmLabel: string
  onConfirm(): Promise<void> | void
  danger?: boolean
}

/** A button that asks for confirmation inline (no browser dialog), focusing the confirm choice. */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, danger }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const confirmRef = useRef<HTMLButtonElement>(null)
  const triggerRef = useRef<HTMLButtonElement>(null)
  const asked = useRef(false)
  useEffect(() => {
    // Focus follows the question: onto "confirm" when it opens, back to the button when cancelled.
    if (asking) confirmRef.current?.focus()
    else if (asked.current) triggerRef.current?.focus()
    asked.current = asking
  }, [asking])

  if (!asking)
    return (
      <button ref={triggerRef} type="button" className={danger ? 'danger' : undefined} onClick={() => setAsking(true)}>
        {label}
      </button>
    )
  const confirm = async () => {
    setBusy(true)
    try {
      await onConfirm()
    } finally {
      setBusy(false)
      setAsking(false)
    }
  }
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-label={label}
      aria-describedby="confirm-question"
      onKeyDown={(e) => e.key === 'Escape' && !busy && setAsking(false)}
    >
      <p id="confirm-question">{question}</p>
      <button ref={confirmRef} type="button" className={danger ? 'danger' : 'primary'} disabled={busy} onClick={() => void confirm()}>
        {confirmLabel}
      </button>
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </div>
  )
}
