import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react'

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog: focus moves in and stays in (Tab wraps), Escape or the backdrop closes it, and focus
 * returns to where it was. `role` alertdialog is for confirmations.
 */
export const Modal = (props: {
  title: string
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
  role?: 'dialog' | 'alertdialog'
  size?: 'small' | 'medium' | 'large'
  testId?: string
}) => {
  const titleId = useId()
  const panel = useRef<HTMLDivElement>(null)
  const { onClose } = props

  // Escape is caught on the window, not the panel: a button that disables itself while busy drops focus to
  // <body>, and the dialog must still close.
  useEffect(() => {
    const onEscape = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      e.preventDefault()
      onClose()
    }
    // Capture phase: the dialog hears Escape before the app's shortcuts (which would close the panel under it).
    window.addEventListener('keydown', onEscape, true)
    return () => window.removeEventListener('keydown', onEscape, true)
  }, [onClose])

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const first =
      panel.current?.querySelector<HTMLElement>('[data-autofocus]') ??
      panel.current?.querySelector<HTMLElement>(FOCUSABLE)
    first?.focus()
    return () => previous?.focus()
  }, [])

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !panel.current) return
    const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const first = items[0]
    const last = items[items.length - 1]
    if (!first || !last) return
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault()
      last.focus()
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault()
      first.focus()
    }
  }

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose()
      }}
    >
      <div
        ref={panel}
        className={`modal modal-${props.size ?? 'medium'}`}
        role={props.role ?? 'dialog'}
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={props.testId}
        onKeyDown={onKeyDown}
      >
        <header className="modal-header">
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="modal-body">{props.children}</div>
        {props.footer ? <footer className="modal-footer">{props.footer}</footer> : null}
      </div>
    </div>
  )
}

export const ConfirmDialog = (props: {
  title: string
  message: ReactNode
  confirmLabel: string
  danger?: boolean
  busy?: boolean
  onConfirm: () => void
  onCancel: () => void
}) => (
  <Modal
    title={props.title}
    onClose={props.onCancel}
    role="alertdialog"
    size="small"
    testId="confirm-dialog"
    footer={
      <>
        <button type="button" className="button" onClick={props.onCancel} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={props.danger ? 'button button-danger' : 'button button-primary'}
          disabled={props.busy}
          onClick={props.onConfirm}
          data-testid="confirm-button"
        >
          {props.confirmLabel}
        </button>
      </>
    }
  >
    <p>{props.message}</p>
  </Modal>
)
