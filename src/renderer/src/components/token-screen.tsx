/** Headless mode without a usable token: say exactly what to do, show nothing else. */
export const TokenScreen = (props: { reason: 'missing' | 'invalid' }) => (
  <main className="token-screen" data-testid="token-screen" data-reason={props.reason}>
    <div className="token-card" role="alert">
      <h1>
        {props.reason === 'missing'
          ? 'Sign-in link needed'
          : 'This sign-in link is no longer valid'}
      </h1>
      <p>
        {props.reason === 'missing'
          ? 'ThreatEye opens with a private link that carries an access token.'
          : 'The server refused the access token this tab was opened with (the server may have been restarted with a new token).'}
      </p>
      <p>
        Open the URL that <code>threateye serve</code> printed in its terminal, of the form{' '}
        <code>http://127.0.0.1:4517/#token=…</code>. The token is also stored in the file{' '}
        <code>api-token</code> in the data directory.
      </p>
    </div>
  </main>
)
