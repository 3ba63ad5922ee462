// File names as indicators: the extensions reports name artefacts with, and the checks on a name.
// Extensions of files that reports name as artefacts. In prose a word ending in one of them is a file name,
// even when the extension is also a TLD (.zip, .mov, .sh, .py, .pl, .rs): "invoice.zip" in a report is the
// attachment far more often than the host. Defanging ("invoice[.]zip") or a URL scheme says it is a host.
const EXTENSION_TEXT = [
  'exe dll sys drv ocx cpl scr pif bat cmd ps1 psm1 psd1 vbs vbe js jse mjs cjs wsf wsh hta lnk msi msp',
  'msix appx jar class py pyc pyw sh bash zsh ksh rb php phtml asp aspx ashx jsp jspx cgi war',
  'doc docx docm dot dotm xls xlsx xlsm xlsb xll xlam ppt pptx pptm ppam rtf pdf odt ods odp txt csv tsv log',
  'json xml yml yaml ini inf cfg conf toml reg html htm xhtml mht mhtml svg css md',
  'png jpg jpeg gif bmp ico tif tiff webp zip rar 7z gz tgz bz2 xz tar cab iso img vhd vhdx vmdk arj ace lzh',
  'dat bin tmp bak db sqlite c cpp h hpp cs go ts java kt swift so dylib ko elf apk ipa dmg pkg deb rpm',
  'eml msg one onepkg mov mp3 mp4 wav avi mkv chm evtx pcap pcapng dmp yar yara pem crt cer der pfx p12 key',
  'vb vba wll pst ost lock',
].join(' ')

export const FILE_EXTENSIONS: ReadonlySet<string> = new Set(EXTENSION_TEXT.split(' '))

// Product names that are spelled like files or hosts and are neither in a report.
export const NOT_INDICATORS: ReadonlySet<string> = new Set([
  'node.js',
  'vue.js',
  'next.js',
  'nuxt.js',
  'react.js',
  'angular.js',
  'ember.js',
  'backbone.js',
  'express.js',
  'three.js',
  'd3.js',
  'chart.js',
  'socket.io',
  'asp.net',
  'vb.net',
  'ado.net',
])

const MAX_FILE_NAME = 255

/**
 * Why a value is not a file name, or null. A name, not a path: no '/' or '\' (a path names a place on one
 * machine; the artefact is its last part), no control characters, at most 255 characters (every common
 * file system's limit).
 */
export const fileNameProblem = (s: string): string | null => {
  if (s.length > MAX_FILE_NAME)
    return `it is ${s.length} characters long, more than ${MAX_FILE_NAME}`
  if (s === '.' || s === '..') return `'${s}' names a directory, not a file`
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 47 || c === 92) {
      return `it contains '${s.charAt(i)}': give the file's name without its directory`
    }
    if (c < 32 || c === 127) return `it contains a control character at position ${i + 1}`
  }
  return null
}

/**
 * Does a dotted word read as a file name rather than a host? Its extension is a file extension that is not
 * also a top-level domain: "invoice.exe", "report.pdf" yes; "setup.zip" and "run.sh" stay domains here,
 * because a list of values may hold real .zip and .sh hosts (prose decides by context instead).
 */
export const isUnambiguousFileName = (s: string, tlds: ReadonlySet<string>): boolean => {
  const dot = s.lastIndexOf('.')
  if (dot <= 0 || dot === s.length - 1) return false
  // Extensions are short: a longer tail (most TLDs of real domains are too) is no file name.
  if (s.length - dot > 7) return false
  const ext = s.slice(dot + 1).toLowerCase()
  return FILE_EXTENSIONS.has(ext) && !tlds.has(ext) && !NOT_INDICATORS.has(s.toLowerCase())
}
