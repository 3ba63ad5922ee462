// The registered domain (eTLD+1) of a host, approximated without the full Public Suffix List: no package
// in the tree ships it, and a look-alike or a train/test split only needs the common multi-label
// suffixes right. The hosting suffixes matter most: every tenant of netlify.app or webflow.io is its own
// site, so a phishing page there must not share a registered domain (and a split bucket) with the rest.

// Space-separated so the list stays compact; split once at load.
const MULTI_LABEL_SUFFIXES: ReadonlySet<string> = new Set(
  [
    // Country second levels.
    'co.uk org.uk ac.uk gov.uk me.uk net.uk ltd.uk plc.uk com.au net.au org.au edu.au gov.au',
    'co.jp ne.jp or.jp ac.jp go.jp co.kr or.kr co.nz org.nz co.za org.za co.in net.in org.in',
    'gov.in co.id co.il co.th com.br net.br org.br gov.br com.cn net.cn org.cn gov.cn com.hk',
    'com.tw com.sg com.my com.mx com.ar com.co com.tr com.ua in.ua com.ru com.pl com.es',
    'com.vn com.ng com.pk com.ph com.eg com.sa com.pe com.ve com.bd com.de co.com',
    // Commercial "second levels" sold like TLDs.
    'uk.com us.com eu.com de.com ru.com cn.com sa.com br.com za.com uk.net eu.org',
    // Hosting platforms whose tenants are separate sites.
    'github.io gitlab.io netlify.app vercel.app herokuapp.com web.app firebaseapp.com',
    'pages.dev workers.dev webflow.io weebly.com wixsite.com blogspot.com azurewebsites.net',
    'appspot.com glitch.me repl.co surge.sh now.sh ngrok.io ngrok-free.app 000webhostapp.com',
    'wordpress.com myshopify.com square.site carrd.co gitbook.io onrender.com fly.dev',
    'translate.goog r2.dev cloudfront.net amazonaws.com windows.net web.core.windows.net',
    'ipfs.dweb.link fleek.co on.fleek.co mypinata.cloud firebasestorage.app framer.website',
    'framer.app typedream.app webnode.page godaddysites.com yolasite.com jimdosite.com',
    'strikingly.com site123.me mystrikingly.com',
  ]
    .join(' ')
    .split(' '),
)

/**
 * eTLD+1 of a lower-case DNS name (the whole name when it has no more labels than its suffix).
 * Longest listed suffix wins: `login.evil.web.core.windows.net` → `evil.web.core.windows.net`.
 */
export const registeredDomain = (host: string): string => {
  const labels = host.split('.')
  if (labels.length <= 2) return host
  // Longest listed suffix first, so a three-label hosting suffix beats its two-label tail.
  for (let take = Math.min(4, labels.length - 1); take >= 2; take--) {
    const suffix = labels.slice(-take).join('.')
    if (MULTI_LABEL_SUFFIXES.has(suffix)) return labels.slice(-(take + 1)).join('.')
  }
  return labels.slice(-2).join('.')
}

/** The public suffix of a host as far as this module knows it (the TLD when no listed suffix fits). */
export const publicSuffix = (host: string): string => {
  const reg = registeredDomain(host)
  const dot = reg.indexOf('.')
  return dot < 0 ? '' : reg.slice(dot + 1)
}
