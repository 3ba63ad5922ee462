import type { PickedFile } from '#shared/contract/files.contract'
import { useClient } from '../../app-context'
import { ImportStepsModal } from './import-steps-modal'
import { useImportSteps } from './use-import-steps'

/**
 * A file the user picked in the desktop's open dialog. The page holds only its handle, name and size: the
 * main process reads the file, for format detection (its first 64 KB, unzipped) and for the import, which
 * streams it whatever its size. The steps (pick a format, map a CSV's columns, progress, report) are those
 * of a dropped file.
 */
export const PickedImportDialog = (props: { file: PickedFile; onClose: () => void }) => {
  const client = useClient()
  const { file } = props
  const steps = useImportSteps({
    name: file.name,
    detect: async () => ({
      detected: await client.call('feeds.detectFormat', { handle: file.handle }),
    }),
    // The handle is good for one import: the steps start it once per mount.
    start: (format, mapping) =>
      client.call('feeds.importFile', {
        handle: file.handle,
        format,
        ...(mapping ? { mapping } : {}),
        wait: false,
      }),
  })
  return <ImportStepsModal steps={steps} file={file} onClose={props.onClose} />
}
