import 'reflect-metadata'
import { runCli } from './run'

/**
 * The `threateye` command (bin/threateye.cjs loads the built copy, out/main/cli.js). Commands run the same core
 * and handlers as the desktop app, in this process.
 */
const main = async (): Promise<void> => {
  // `threateye indicators list | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw e
  })
  const controller = new AbortController()
  // The first Ctrl-C asks the running command to stop (an import aborts between batches); `serve` handles
  // its own signals. A second one falls through to Node's default and ends the process.
  const onSigint = () => {
    process.off('SIGINT', onSigint)
    controller.abort()
  }
  const serving = process.argv[2] === 'serve'
  if (!serving) process.on('SIGINT', onSigint)
  const code = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    stdin: process.stdin,
  })
  process.off('SIGINT', onSigint)
  process.exitCode = code
}

void main()
