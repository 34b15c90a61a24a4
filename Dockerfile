# syntax=docker/dockerfile:1
# WedSync Feature Requests: one image for `serve`, `worker`, the operator verbs and `drill`.
#   docker build -t wedsync/feature-request-api:0.1.0 .
#   docker run --read-only --tmpfs /tmp -v wsfr-data:/app/data -v wsfr-backups:/app/backups \
#     -e NODE_ENV=development -p 3000:3000 wedsync/feature-request-api:0.1.0 start
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
    BACKUP_DIR=/app/backups \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# patch-package is a production dependency: postinstall applies patches/ to the runtime tree too.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY migrations ./migrations
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
# The root file system may be read-only: the only writable paths are DATA_DIR and BACKUP_DIR
# (volumes, owned by the unprivileged user; backups on a volume of their own so losing the data
# volume never takes them along) and /tmp (an emptyDir / tmpfs).
RUN mkdir -p /app/data /app/backups && chown node:node /app/data /app/backups
USER node
EXPOSE 3000
# No curl in the slim image: node itself asks /health (liveness) on the configured port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve"]
