// A real authorization server (oidc-provider) on loopback for Axon's
// credential tests: prints its port, then serves until killed.
//   client "axon-machine" / "machine-secret-1": the client credentials grant
//   /resource: a protected resource that answers 200 to a live access token
//   (checked with the provider itself) and 401 otherwise
//   POST /revoke-all: ends every access token issued so far
//   /issued: how many access tokens were issued
import http from 'node:http';
import Provider from 'oidc-provider';

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
    }],
    features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
  });
  provider.on('client_credentials.saved', (token) => {
    issued.push(token);
    count += 1;
  });
  const oidc = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url === '/resource') {
      const auth = req.headers.authorization || '';
      const value = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      const token = value ? await provider.ClientCredentials.find(value) : undefined;
      res.writeHead(token ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(token ? { client: token.clientId } : { error: 'invalid_token' }));
    } else if (req.url === '/issued') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(String(count));
    } else if (req.url === '/revoke-all' && req.method === 'POST') {
      await Promise.all(issued.splice(0).map((t) => t.destroy()));
      res.writeHead(204);
      res.end();
    } else {
      oidc(req, res);
    }
  });
  console.log(port);
});
