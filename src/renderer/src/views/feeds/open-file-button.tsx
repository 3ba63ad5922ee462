import { useRef, useState } from 'react'
import type { PickedFile } from '#shared/contract/files.contract'
import { errorMessage } from '../../api/client'
import { useClient, useServices } from '../../app-context'
import { PickedImportDialog } from './picked-import-dialog'

/** True in the desktop app: its bridge reaches the main process, which can show a file dialog. */
export const useHasFileDialog = (): boolean => useClient().transport.kind === 'ipc'

/** Asks the main process for its open dialog; the picked file (a handle, its name and size) or null. */
const usePickFile = () => {
  const client = useClient()
  const { ui } = useServices()
  const [asking, setAsking] = useState(false)
  const pick = async (): Promise<PickedFile | null> => {
    setAsking(true)
    try {
      return (await client.call('files.pickImport', {})).file
    } catch (e) {
      ui.getState().toast('error', `Could not open the file: ${errorMessage(e)}`)
      return null
    } finally {
      setAsking(false)
    }
  }
  return { pick, asking }
}

/** "Choose file…" for a feed that reads a local file: the feed form keeps what was picked. */
export const ChooseFileButton = (props: { testId: string; onPicked: (f: PickedFile) => void }) => {
  const { pick, asking } = usePickFile()
  return (
    <button
      type="button"
      className="button"
      data-testid={props.testId}
      disabled={asking}
      onClick={() =>
        void pick().then((file) => {
          if (file) props.onPicked(file)
        })
      }
    >
      Choose file…
    </button>
  )
}

/**
 * "Open file…" in the desktop app: the main process shows its open dialog and hands back a handle to the
 * chosen file (never its path), which the import dialog detects and imports by. Files of any size stream
 * from disk in the main process, so the desktop needs no command line for big dumps.
 */
export const OpenFileButton = (props: { className: string; label: string; testId: string }) => {
  const { pick, asking } = usePickFile()
  const [picked, setPicked] = useState<{ file: PickedFile; n: number } | null>(null)
  const picks = useRef(0)

  const open = async () => {
    const file = await pick()
    if (!file) return
    picks.current += 1
    setPicked({ file, n: picks.current })
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
