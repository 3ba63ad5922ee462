import { useState } from 'react'
import { useServices } from '../app-context'
import { CheckIcon, CopyIcon } from './icons'

/** Clipboard API first; the textarea fallback covers contexts where it is unavailable. */
const writeClipboard = async (text: string): Promise<void> => {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.append(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    if (!ok) throw new Error('The clipboard is not available')
  }
}

/** Copies the canonical (live, refanged) value: the table shows it defanged, the clipboard gets the real one. */
export const CopyButton = (props: { value: string; label: string }) => {
  const { ui } = useServices()
  const [copied, setCopied] = useState(false)
  return (
    <button
      type="button"
      className="copy-button"
      aria-label={props.label}
      title={props.label}
      data-testid="copy-value"
      data-copied={copied}
      onClick={(e) => {
        e.stopPropagation()
        writeClipboard(props.value).then(
          () => {
            setCopied(true)
            window.setTimeout(() => setCopied(false), 1200)
          },
          (err: unknown) =>
            ui.getState().toast('error', err instanceof Error ? err.message : 'Copy failed'),
        )
      }}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
    </button>
  )
}
