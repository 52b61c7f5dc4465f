import { notifications } from '@mantine/notifications'
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react'

/**
 * Toasts: a success ("Customer saved") is a polite status message that closes by itself; a failure is
 * an alert that stays until dismissed. They float above the page, so they survive navigation.
 */
export const toast = {
  success(text: string): void {
    notifications.show({ message: text, color: 'green', icon: <IconCheck size={18} aria-hidden />, role: 'status', autoClose: 6000 })
  },
  failure(text: string, title?: string): void {
    notifications.show({ title, message: text, color: 'red', icon: <IconAlertTriangle size={18} aria-hidden />, role: 'alert', autoClose: false })
  },
}

/** The success toast, as pages have always called it. */
export function useNotice(): (text: string) => void {
  return toast.success
}
