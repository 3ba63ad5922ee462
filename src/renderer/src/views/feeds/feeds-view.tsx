import { useRef, useState, type DragEvent } from 'react'
import { MAX_IMPORT_TEXT_CHARS } from '#shared/contract/feeds.contract'
import { CatalogueList } from './catalogue-list'
import { FeedFormDialog, type FeedFormTarget } from './feed-form-dialog'
import { FeedList } from './feed-list'
import { FeedsProvider, useFeeds } from './feeds-context'
import { formatBytes } from './feeds-format'
import { ImportDialog } from './import-dialog'
import { OpenFileButton, useHasFileDialog } from './open-file-button'
import { RunHistory } from './run-history'
import './feeds.css'

type Tab = 'feeds' | 'catalogue' | 'history'

const TABS: { id: Tab; label: string }[] = [
  { id: 'feeds', label: 'Feeds' },
  { id: 'catalogue', label: 'Catalogue' },
  { id: 'history', label: 'Run history' },
]

const hasFiles = (e: DragEvent): boolean => [...e.dataTransfer.types].includes('Files')

export const FeedsView = () => (
  <FeedsProvider>
    <FeedsScreen />
  </FeedsProvider>
)

const FeedsScreen = () => {
  const [tab, setTab] = useState<Tab>('feeds')
  const [form, setForm] = useState<FeedFormTarget | null>(null)
  const [historyFeed, setHistoryFeed] = useState<string | null>(null)
  const [importFile, setImportFile] = useState<{ file: File; n: number } | null>(null)
  const [dragging, setDragging] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const ready = useFeeds((s) => s.feeds !== null && s.catalogue !== null)
  const drops = useRef(0)
  // The desktop opens files in the main process's dialog (any size, read there); a browser reads them here.
  const fileDialog = useHasFileDialog()

  const startImport = (file: File | undefined) => {
    if (!file) return
    drops.current += 1
    setImportFile({ file, n: drops.current })
  }

  return (
    <section
      className="view feeds-view"
      aria-labelledby="feeds-title"
      aria-busy={!ready}
      data-testid="feeds-view"
      data-state={ready ? 'ready' : 'loading'}
      onDragOver={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        e.dataTransfer.dropEffect = 'copy'
        setDragging(true)
      }}
      onDragLeave={(e) => {
        // Moving between children fires dragleave too; only leaving the view ends the drag.
        const to = e.relatedTarget
        if (!(to instanceof Node) || !e.currentTarget.contains(to)) setDragging(false)
      }}
      onDrop={(e) => {
        if (!hasFiles(e)) return
        e.preventDefault()
        setDragging(false)
        startImport(e.dataTransfer.files[0])
      }}
    >
      <div className="view-header">
        <h1 id="feeds-title">Feeds</h1>
        <div className="view-header-actions">
          {fileDialog ? (
            <OpenFileButton className="button" label="Open file…" testId="import-open-file" />
          ) : (
            <button
              type="button"
              className="button"
              data-testid="import-file"
              onClick={() => fileInput.current?.click()}
            >
              Import file…
            </button>
          )}
          <button
            type="button"
            className="button button-primary"
            data-testid="add-feed"
            onClick={() => setForm({ mode: 'create' })}
          >
            Add feed
          </button>
        </div>
        <input
          ref={fileInput}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          data-testid="import-file-input"
          onChange={(e) => {
            startImport(e.target.files?.[0])
            // The same file chosen again must import again.
            e.target.value = ''
          }}
        />
      </div>
      <div className="feeds-tabs" role="tablist" aria-label="Feeds sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? 'feeds-tab active' : 'feeds-tab'}
            data-testid={`feeds-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="feeds-body" role="tabpanel">
        {tab === 'feeds' ? (
          <>
            <div className={dragging ? 'drop-zone dragging' : 'drop-zone'} data-testid="drop-zone">
              <strong>Drop a feed file here to import it</strong>
              <span className="muted">
                CSV, JSON, STIX 2.1, MISP event or any text with indicators — the format is
                detected.{' '}
                {fileDialog ? (
                  <>
                    A dropped file up to {formatBytes(MAX_IMPORT_TEXT_CHARS)}; Open file… reads
                    files of any size.
                  </>
                ) : (
                  <>
                    Up to {formatBytes(MAX_IMPORT_TEXT_CHARS)}; larger files:{' '}
                    <code>threateye import &lt;file&gt;</code>
                  </>
                )}
              </span>
              {fileDialog ? (
                <OpenFileButton
                  className="link-button"
                  label="or open a file"
                  testId="drop-zone-open-file"
                />
              ) : (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => fileInput.current?.click()}
                >
                  or choose a file
                </button>
              )}
            </div>
            <FeedList
              onAdd={() => setTab('catalogue')}
              onEdit={(feed) => setForm({ mode: 'edit', feed })}
              onHistory={(id) => {
                setHistoryFeed(id)
                setTab('history')
              }}
            />
          </>
        ) : null}
        {tab === 'catalogue' ? (
          <CatalogueList onConfigure={(initial) => setForm({ mode: 'create', initial })} />
        ) : null}
        {tab === 'history' ? (
          <RunHistory feedId={historyFeed} onFeedChange={setHistoryFeed} />
        ) : null}
      </div>
      {dragging ? (
        <div className="drop-overlay" aria-hidden="true">
          Drop to import
        </div>
      ) : null}
      {form ? <FeedFormDialog target={form} onClose={() => setForm(null)} /> : null}
      {importFile ? (
        <ImportDialog
          key={importFile.n}
          file={importFile.file}
          onClose={() => setImportFile(null)}
        />
      ) : null}
    </section>
  )
}
