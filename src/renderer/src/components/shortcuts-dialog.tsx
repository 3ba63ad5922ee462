import { SHORTCUTS, type Shortcut } from '../hooks/shortcuts'
import { Modal } from './modal'
import './shortcuts-dialog.css'

const Keys = (props: { shortcut: Shortcut }) => (
  <>
    {props.shortcut.keys.map((key) => (
      <kbd key={key.key}>{key.label}</kbd>
    ))}
  </>
)

/** The sidebar's reminder: the shortcuts that carry a hint. */
export const ShortcutHint = () => (
  <div className="shortcut-help" aria-label="Keyboard shortcuts" data-testid="shortcut-hint">
    {SHORTCUTS.filter((s) => s.hint !== undefined).map((s) => (
      <div key={s.description}>
        <Keys shortcut={s} /> {s.hint}
      </div>
    ))}
  </div>
)

/** Every shortcut, opened with `?`. */
export const ShortcutsDialog = (props: { onClose: () => void }) => (
  <Modal title="Keyboard shortcuts" onClose={props.onClose} size="small" testId="shortcuts-dialog">
    <table className="shortcuts-table">
      <tbody>
        {SHORTCUTS.map((s) => (
          <tr key={s.description} data-testid="shortcut">
            <td className="shortcut-keys">
              <Keys shortcut={s} />
            </td>
            <td>{s.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
    <button type="button" className="button" data-autofocus onClick={props.onClose}>
      Close
    </button>
  </Modal>
)
