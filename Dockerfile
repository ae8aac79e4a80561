# One image for the three Node processes of the service (API, worker, sandbox providers);
# docker-compose.yml picks the process with `command`.
#
# better-sqlite3 is a native module and the Temporal core bridge ships glibc binaries:
# build and run on Debian (glibc), not Alpine (musl).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: install everything, compile TypeScript, prebuild the workflow bundle ----
FROM ${NODE_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false

# Dependencies first, so that a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# Same steps as scripts/setup.mjs: compile, then bundle the workflows into
# dist/workflow-bundle.js so that workers start without running webpack.
RUN npx tsc -p tsconfig.build.json \
 && node dist/src/worker/bundle.js \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled output and production dependencies only, non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root (read-only to the process); only the sandbox data folder is
# writable by the `node` user (uid 1000) the processes run as.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/sandbox && chown node:node /var/lib/sandbox

# Container defaults: listen on every interface, use the prebuilt workflow bundle, keep the
# sandbox's SQLite files in a folder that compose mounts as a volume.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    SANDBOX_HOST=0.0.0.0 \
    SANDBOX_DATA_DIR=/var/lib/sandbox \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js

USER node
EXPOSE 3000 4001 4002
CMD ["node", "dist/src/api/main.js"]
