import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await setupTestApp();
});
afterAll(async () => t?.close());

describe('GraphiQL works offline', () => {
  it('the page loads only assets this server serves, from installed packages, and they are all there', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/graphiql' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/https?:\/\//); // no CDN, no external font or script
    const refs = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs).toEqual([
      '/graphiql/assets/graphiql.css',
      '/graphiql/assets/react.js',
      '/graphiql/assets/react-dom.js',
      '/graphiql/assets/graphiql.js',
      '/graphiql/assets/init.js',
    ]);
    for (const ref of refs) {
      const res = await t.app.inject({ method: 'GET', url: ref });
      expect(res.statusCode, ref).toBe(200);
      expect(res.headers['content-type'], ref).toMatch(ref.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);
      expect(res.rawPayload.length, ref).toBeGreaterThan(100);
      // nothing the page runs fetches from elsewhere: stylesheets import nothing remote
      if (ref.endsWith('.css')) expect(res.body).not.toMatch(/@import|url\((?!data:)["']?https?:/);
    }
    const graphiqlJs = await t.app.inject({ method: 'GET', url: '/graphiql/assets/graphiql.js' });
    expect(graphiqlJs.body).toContain('createFetcher');
    const init = await t.app.inject({ method: 'GET', url: '/graphiql/assets/init.js' });
    expect(init.body).toContain("new URL('/graphql', location.href)");
    expect((await t.app.inject({ method: 'GET', url: '/graphiql/assets/other.js' })).statusCode).toBe(404);
  });
});
