/**
 * The API documentation page: our own few lines instead of a CDN-hosted Swagger UI, so the page works offline
 * and passes the strict CSP (no inline script; the script is /api/docs.js). Everything from the document is
 * written with textContent, never as HTML.
 */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ThreatEye API</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { padding: 16px 24px; background: #18202f; color: #fff; }
  header h1 { margin: 0 0 4px; font-size: 20px; }
  header p { margin: 0; opacity: .8; max-width: 70em; }
  main { padding: 16px 24px; }
  #filter { width: 100%; max-width: 32em; padding: 6px 8px; font: inherit; margin-bottom: 12px; }
  details { background: #fff; border: 1px solid #d8dce3; border-radius: 6px; margin: 6px 0; }
  summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 10px; align-items: baseline; }
  .verb { font: 600 12px ui-monospace, monospace; min-width: 4.5em; text-transform: uppercase; }
  .path { font-family: ui-monospace, monospace; }
  .sum { color: #5a6270; }
  .mut { font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #fde8d0; color: #8a4a00; }
  .body { padding: 0 12px 12px; }
  h3 { font-size: 13px; margin: 12px 0 4px; }
  pre { background: #f1f3f6; padding: 8px; overflow: auto; max-height: 28em; margin: 0; }
  #status { color: #a00; }
</style>
</head>
<body>
<header><h1>ThreatEye API</h1><p id="intro">Loading /api/openapi.json…</p></header>
<main>
  <input id="filter" type="search" placeholder="Filter methods (e.g. indicators)" aria-label="Filter methods">
  <p id="status" role="status"></p>
  <div id="ops"></div>
</main>
<script src="/api/docs.js"></script>
</body>
</html>
`

export const DOCS_JS = `'use strict'
;(function () {
  var TOKEN_KEY = 'threateye.token'
  var m = /(?:^|[#&])token=([^&]+)/.exec(location.hash)
  if (m) {
    try { sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1])) } catch (e) {}
    history.replaceState(null, '', location.pathname + location.search)
  }
  var token = null
  try { token = sessionStorage.getItem(TOKEN_KEY) } catch (e) {}

  function el(tag, cls, text) {
    var n = document.createElement(tag)
    if (cls) n.className = cls
    if (text !== undefined) n.textContent = text
    return n
  }
  function schemaBlock(title, schema) {
    var frag = document.createDocumentFragment()
    frag.appendChild(el('h3', '', title))
    frag.appendChild(el('pre', '', JSON.stringify(schema, null, 2)))
    return frag
  }
  function render(doc) {
    document.getElementById('intro').textContent = (doc.info && doc.info.description) || ''
    var ops = document.getElementById('ops')
    Object.keys(doc.paths).sort().forEach(function (path) {
      var item = doc.paths[path]
      Object.keys(item).forEach(function (verb) {
        var op = item[verb]
        var d = el('details')
        d.dataset.search = (verb + ' ' + path + ' ' + (op.summary || '')).toLowerCase()
        var s = el('summary')
        s.appendChild(el('span', 'verb', verb))
        s.appendChild(el('span', 'path', path))
        s.appendChild(el('span', 'sum', op.summary || ''))
        if (op['x-mutates']) s.appendChild(el('span', 'mut', 'changes data'))
        d.appendChild(s)
        var b = el('div', 'body')
        if (op.description) b.appendChild(el('p', '', op.description))
        if (op.parameters) b.appendChild(schemaBlock('Parameters', op.parameters))
        var req = op.requestBody && op.requestBody.content
        if (req) Object.keys(req).forEach(function (ct) { b.appendChild(schemaBlock('Request body (' + ct + ')', req[ct].schema)) })
        Object.keys(op.responses || {}).forEach(function (code) {
          var r = op.responses[code]
          var c = r.content && (r.content['application/json'] || r.content['text/event-stream'])
          if (c && code.charAt(0) === '2') b.appendChild(schemaBlock('Response ' + code, c.schema))
        })
        d.appendChild(b)
        ops.appendChild(d)
      })
    })
  }
  document.getElementById('filter').addEventListener('input', function (e) {
    var q = e.target.value.trim().toLowerCase()
    document.querySelectorAll('#ops details').forEach(function (d) {
      d.hidden = q !== '' && d.dataset.search.indexOf(q) === -1
    })
  })
  var headers = token ? { Authorization: 'Bearer ' + token } : {}
  fetch('/api/openapi.json', { headers: headers })
    .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json() })
    .then(render)
    .catch(function (e) { document.getElementById('status').textContent = 'Could not load the API description: ' + e.message })
})()
`
