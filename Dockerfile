# syntax=docker/dockerfile:1
# WedSync Feature Requests: one image for `serve`, `worker`, the operator verbs and `drill`.
#   docker build -t wedsync/feature-request-api:0.1.0 .
#   docker run --read-only --tmpfs /tmp -v wsfr-data:/app/data -p 3000:3000 wedsync/feature-request-api:0.1.0
# Why these choices: docs/decisions/0024-container-and-kubernetes.md.

# --- build: dev dependencies, TypeScript and the web UI ---------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
# Manifests and patches first, so the dependency layer is cached until they change
# (postinstall runs patch-package, which needs patches/).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY web ./web
COPY scripts ./scripts
RUN npm run build

# --- runtime: production dependencies only, no compilers, not root ----------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# patch-package is a production dependency: postinstall applies patches/ to the runtime tree too.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY migrations ./migrations
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
# The root file system may be read-only: the only writable paths are DATA_DIR (a volume, owned by
# the unprivileged user) and /tmp (an emptyDir / tmpfs).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# No curl in the slim image: node itself asks /health (liveness) on the configured port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve"]
