// Vite bundles stylesheets imported for their side effect; TypeScript only needs to know they exist.
declare module '*.css'
// `import W from 'x?worker'`: Vite bundles the module as a worker script; the import is its constructor (the PDF
// preview's pdf.js worker).
declare module '*?worker' {
  const WorkerConstructor: new () => Worker
  export default WorkerConstructor
}
