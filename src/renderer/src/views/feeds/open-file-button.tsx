import { useRef, useState } from 'react'
import type { PickedFile } from '#shared/contract/files.contract'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { PickedImportDialog } from './picked-import-dialog'

/** True in the desktop app: its bridge reaches the main process, which can show a file dialog. */
export const useHasFileDialog = (): boolean => useClient().transport.kind === 'ipc'

/**
 * "Open file…" in the desktop app: the main process shows its open dialog and hands back a handle to the
 * chosen file (never its path), which the import dialog detects and imports by. Files of any size stream
 * from disk in the main process, so the desktop needs no command line for big dumps.
 */
export const OpenFileButton = (props: { className: string; label: string; testId: string }) => {
  const client = useClient()
  const { ui } = useServices()
  const [picked, setPicked] = useState<{ file: PickedFile; n: number } | null>(null)
  const [asking, setAsking] = useState(false)
  const picks = useRef(0)

  const open = async () => {
    setAsking(true)
    try {
      const { file } = await client.call('files.pickImport', {})
      if (!file) return
      picks.current += 1
      setPicked({ file, n: picks.current })
    } catch (e) {
      ui.getState().toast('error', `Could not open the file: ${errorMessage(e)}`)
    } finally {
      setAsking(false)
    }
  }

  return (
    <>
      <button
        type="button"
        className={props.className}
        data-testid={props.testId}
        disabled={asking}
        onClick={() => void open()}
      >
        {props.label}
      </button>
      {picked ? (
        <PickedImportDialog key={picked.n} file={picked.file} onClose={() => setPicked(null)} />
      ) : null}
    </>
  )
}
