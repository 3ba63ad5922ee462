import { useUi, useServices } from '../app-context'

export const Toasts = () => {
  const toasts = useUi((s) => s.toasts)
  const { ui } = useServices()
  return (
    <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid={`toast-${t.kind}`}>
          <span>{t.message}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss notification"
            onClick={() => ui.getState().dismissToast(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
