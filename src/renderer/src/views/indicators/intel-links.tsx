import { TlpBadge } from '../../components/badges'
import { useIntelNav } from '../intel/intel-nav'
import { useContractQuery } from '../../hooks/use-contract-query'
import '../../components/observations-list.css'

/** Entity kinds as an analyst reads them. */
const KIND_LABELS: Readonly<Record<string, string>> = {
  'threat-actor': 'Threat actor',
  campaign: 'Campaign',
  vulnerability: 'Vulnerability',
  malware: 'Malware',
  report: 'Threat report',
  'attack-pattern': 'Technique',
}

/** How the indicator is tied to the entity, in words. */
const viaText = (l: {
  via: string
  relationshipType: string
  indicatorIs: 'source' | 'target' | null
}): string => {
  if (l.via === 'report') return 'contained in'
  if (l.via === 'cve') return 'the CVE of'
  return l.indicatorIs === 'target' ? `${l.relationshipType} (from)` : l.relationshipType
}

const clip = (s: string, max = 200): string => (s.length > max ? `${s.slice(0, max)}…` : s)

/**
 * The knowledge base around an indicator (intel.forIndicator): the actors, campaigns and malware it is
 * related to, the threat reports that contain it, and for a CVE its vulnerability. Each opens in the Intel
 * view. Hidden when there is none. Names come from feeds: rendered as text.
 */
export const IntelLinksSection = (props: { indicatorId: string }) => {
  const nav = useIntelNav()
  const { indicatorId } = props
  const { data } = useContractQuery(
    'intel.forIndicator',
    { indicatorId, limit: 200 },
    indicatorId,
    [{ event: 'intel.onDidChange' }, { event: 'feeds.onDidFinishRun' }],
  )
  if (data === null || data.items.length === 0) return null
  return (
    <section
      className="observations"
      aria-labelledby={`intel-${indicatorId}`}
      data-testid="indicator-intel"
    >
      <h3 id={`intel-${indicatorId}`} className="observations-title">
        Intel{data.truncated ? <span className="muted"> (first {data.items.length})</span> : null}
      </h3>
      <ul className="observation-list">
        {data.items.map((l) => (
          <li
            key={`${l.ref} ${l.via} ${l.relationshipType}`}
            className="observation"
            data-testid="indicator-intel-link"
          >
            <div className="observation-head">
              <span className="type-chip">{KIND_LABELS[l.kind] ?? l.kind}</span>
              <span className="muted">{viaText(l)}</span>
              {l.kind === 'attack-pattern' ? (
                <strong className="observation-source">{clip(l.label)}</strong>
              ) : (
                <button
                  type="button"
                  className="link-button observation-source"
                  onClick={() => nav.openEntity(l.ref, l.kind)}
                >
                  {clip(l.label)}
                </button>
              )}
              <TlpBadge value={l.tlp} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
