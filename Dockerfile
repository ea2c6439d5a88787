# syntax=docker/dockerfile:1
# The hotline-137 service image. Asterisk, Redis and PostgreSQL run beside it (see README);
# the prompts in sounds/fa/ are installed into Asterisk, not here. Configuration comes
# from the environment at run time: no secrets are baked into the image.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build copies src/web's pages (HTML, CSS, browser JS) to dist/web, where dist/main.js serves them.
COPY scripts/copy-web.ts ./scripts/copy-web.ts
RUN npm run build

# Production dependencies in their own stage so npm's cache never reaches the runtime layers.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
# Code stays root-owned and read-only for the service user; only /data is writable.
# package.json is needed at run time: its "type": "module" makes dist/*.js ESM.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# dist/, migrations/ and config/ are siblings as in the repo, so paths resolved from
# import.meta.url (../migrations) or from the working directory (./config) both hold.
COPY migrations ./migrations
COPY config ./config
COPY sounds/fa/manifest.json ./sounds/fa/manifest.json
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# Slim images have no curl; node's fetch does. PORT is read so an override keeps working.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/api/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Two malloc arenas instead of glibc's up to 8 per core: the PGlite thread, V8's helper
# threads and libuv's pool each kept an arena of their own with freed memory in it. After
# 500 calls on PGlite the engine's RSS was 205 MB with the default and 193 MB with 2
# (docs/benchmarks.md). The benchmark and the production-build test read this line too.
ENV MALLOC_ARENA_MAX=2
# Blocks of 32 KiB and more straight from mmap, and given back when freed. glibc's default
# threshold rises to 32 MiB as big blocks come and go, so the start-up's compiling and
# reading left up to 25 MB of freed blocks inside malloc's main heap, kept for good when a
# small live block sat above them: the engine on PGlite started at 190 MB in some runs and
# 214 MB in others; with this, 179-181 MB in every run (docs/benchmarks.md).
ENV MALLOC_MMAP_THRESHOLD_=32768
# A young generation of 2 MB semi-spaces instead of 16: at 500 calls the engine's RSS
# stays under 200 MB (docs/benchmarks.md, `npm run bench:calls`), for a few more cheap
# scavenges. The benchmark and the production-build test read this line and run the same.
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
