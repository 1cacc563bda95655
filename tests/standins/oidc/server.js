// A real authorization server (oidc-provider) on loopback for Axon's
// credential tests: prints its port, then serves until killed.
//   client "axon-machine" / "machine-secret-1": the client credentials grant
//   client "axon-web" / "web-secret-1": the authorization code grant with
//     PKCE and refresh tokens, back to the address given as the first
//     argument; its login and consent pages are oidc-provider's own
//   /resource: a protected resource that answers 200 to a live access token
//   (checked with the provider itself) and 401 otherwise
//   POST /revoke-all: ends every access token issued so far (?refresh=1:
//     and every refresh token)
//   /issued: how many access tokens were issued
import http from 'node:http';
import Provider from 'oidc-provider';

const redirect = process.argv[2] || 'http://127.0.0.1/credentials/oauth/callback';
const issued = [];
let count = 0;
const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [{
      client_id: 'axon-machine',
      client_secret: 'machine-secret-1',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    }, {
      client_id: 'axon-web',
      client_secret: 'web-secret-1',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [redirect],
      response_types: ['code'],
    }],
    // A refresh token for the offline_access scope, whatever the client.
    issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    scopes: ['openid', 'offline_access'],
    features: { clientCredentials: { enabled: true } },
  });
  const saved = (token) => {
    issued.push(token);
    count += 1;
  };
  provider.on('client_credentials.saved', saved);
  provider.on('access_token.saved', saved);
  const refresh = [];
  provider.on('refresh_token.saved', (token) => refresh.push(token));
  const oidc = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url === '/resource') {
      const auth = req.headers.authorization || '';
      const value = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const token = value ? (await provider.ClientCredentials.find(value)) || (await provider.AccessToken.find(value))
        : undefined;
      res.writeHead(token ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(token ? { client: token.clientId } : { error: 'invalid_token' }));
    } else if (req.url === '/issued') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(String(count));
    } else if (req.url.startsWith('/revoke-all') && req.method === 'POST') {
      await Promise.all(issued.splice(0).map((t) => t.destroy()));
      if (req.url.endsWith('refresh=1'))
        await Promise.all(refresh.splice(0).map((t) => t.destroy()));
      res.writeHead(204);
      res.end();
    } else {
      oidc(req, res);
    }
  });
  console.log(port);
});
