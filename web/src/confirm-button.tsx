import { Button, Group, Modal, Text } from '@mantine/core'
import { useState } from 'react'

// NOTE: Mantine places the fixed dialog with `top/bottom` only; outside a portal it would start where the button is.
const INLINE = { inner: { left: 0 } }

interface ConfirmButtonProps {
  /** The button's text, e.g. "Archive customer"; also the dialog's title. */
  label: string
  /** The question asked before acting; one that moves money says the amount ("Charge $1,101.00 to …?"). */
  question: string
  confirmLabel: string
  onConfirm(): Promise<void> | void
  danger?: boolean
  /** Defaults to a plain button; a page's main action may be `filled`. */
  variant?: 'default' | 'filled' | 'light'
}

/**
 * A button that asks first in a dialog, with the confirm choice focused and Escape or Cancel backing out.
 * The dialog stays in the button's place in the document (no portal), so it belongs to the section it acts on.
 */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, danger, variant = 'default' }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
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
    <>
      <Button variant={danger && variant === 'default' ? 'outline' : variant} color={danger ? 'red' : undefined} onClick={() => setAsking(true)}>
        {label}
      </Button>
      <Modal opened={asking} onClose={() => !busy && setAsking(false)} title={label} withinPortal={false} centered closeButtonProps={{ 'aria-label': 'Cancel' }} styles={INLINE}>
        <Text>{question}</Text>
        <Group justify="flex-end" mt="lg" gap="sm">
          <Button variant="default" disabled={busy} onClick={() => setAsking(false)}>
            Cancel
          </Button>
          <Button color={danger ? 'red' : undefined} loading={busy} onClick={() => void confirm()} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  )
}
