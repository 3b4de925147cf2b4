// Builds the reference portal: `npx vite build examples/portal` (output in examples/portal/dist, git-ignored).
// The portal is a static site: it talks to the API over CORS (the API's CORS_ORIGINS must list the portal's origin).
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  build: { outDir: 'dist', emptyOutDir: true },
});
