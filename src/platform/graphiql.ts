/**
 * GraphiQL served from packages installed with the project (graphiql 3, react 18 and react-dom 18 UMD builds), so
 * the explorer works with no network beyond this server: the page loads nothing from a CDN. Registered instead of
 * mercurius' built-in GraphiQL (which loads React and GraphiQL from unpkg). Outside production only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const require = createRequire(import.meta.url);

/** A file inside an installed package, by its package's directory (the UMD bundles are not in the packages' exports). */
const packageFile = (path: string) => {
  const [pkg, ...rest] = path.split('/');
  return join(dirname(require.resolve(`${pkg}/package.json`)), ...rest);
};

/** The assets the page loads, by the name it asks for -> [file in node_modules, content type]. */
const ASSETS: Record<string, [string, string]> = {
  'react.js': ['react/umd/react.production.min.js', 'text/javascript; charset=utf-8'],
  'react-dom.js': ['react-dom/umd/react-dom.production.min.js', 'text/javascript; charset=utf-8'],
  'graphiql.js': ['graphiql/graphiql.min.js', 'text/javascript; charset=utf-8'],
  'graphiql.css': ['graphiql/graphiql.min.css', 'text/css; charset=utf-8'],
  'init.js': ['', 'text/javascript; charset=utf-8'],
};

// the page's own script (a file, not inline: works under a Content-Security-Policy without 'unsafe-inline')
const INIT = `const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).toString() });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    defaultHeaders: JSON.stringify({ Authorization: 'Bearer <token from npm run token>' }, null, 2),
    shouldPersistHeaders: true,
  }),
);
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Channel API GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL...</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script src="/graphiql/assets/init.js"></script>
</body>
</html>
`;

async function graphiqlPlugin(app: FastifyInstance) {
  const cache = new Map<string, Buffer>();
  const load = (name: string): Buffer => {
    let b = cache.get(name);
    if (!b) {
      const [file] = ASSETS[name]!;
      b = file ? readFileSync(packageFile(file)) : Buffer.from(INIT);
      cache.set(name, b);
    }
    return b;
  };
  app.get('/graphiql', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/graphiql/assets/:name', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const name = (request.params as { name: string }).name;
    const asset = ASSETS[name];
    if (!asset) return reply.callNotFound();
    return reply.type(asset[1]).header('cache-control', 'public, max-age=86400').send(load(name));
  });
}

export const graphiql = fp(graphiqlPlugin, { name: 'graphiql-offline' });
