// Vite bundles stylesheets imported for their side effect; TypeScript only needs to know they exist.
declare module '*.css'
// `import url from 'x?url'`: Vite emits the file as an asset and the import is its URL (the PDF preview's
// pdf.js worker).
declare module '*?url' {
  const url: string
  export default url
}
