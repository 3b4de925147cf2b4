# syntax=docker/dockerfile:1
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's prepare step runs the build script, which skips here (no src/ yet): the build is the RUN below
COPY scripts/build-if-stale.mjs ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY migrations ./migrations
COPY src ./src
# tsc to dist/ and the embedded database template (dist/pglite-template.tgz) built from the migrations
RUN npm run build && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node migrations ./migrations
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "dist/server.js"]
