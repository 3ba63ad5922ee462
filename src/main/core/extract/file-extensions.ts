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
