# The intake assistant as a container image. Two stages: "build" installs everything, compiles the
# TypeScript, drops the development packages and trains the recognizer into its cache; the runtime
# stage has only what the service needs, runs as the unprivileged user "node", keeps its data in the
# volume /data and answers the health check on /healthz.
#   docker build -t narvard-intake .
#   docker run -p 3978:3978 -v narvard-data:/data -e MicrosoftAppId=… -e MicrosoftAppPassword=… narvard-intake
# Listening on 0.0.0.0 without MicrosoftAppId stops start-up with one line (docs/security.md):
# give the Azure Bot's app id, or ALLOW_UNAUTHENTICATED_BOT=true when /api/messages is not reachable
# from outside (compose.yaml's proxy does not forward it).
# test/deploy.test.ts runs these same steps in a clean folder (no Docker engine needed) and starts the
# result as the image would. docs/operations.md: configuration, PostgreSQL, upgrades.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY dialogs ./dialogs
COPY scripts ./scripts
COPY data ./data
COPY locales ./locales
RUN npm run build && npm prune --omit=dev --no-audit --no-fund
# Trained once here, so that a container starts by reading the model instead of training it.
RUN node dist/scripts/nlu-cache.js

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3978 \
    DATA_DIR=/data \
    ENV_FILE=
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/var/cache ./var/cache
COPY --from=build /app/data ./data
COPY --from=build /app/locales ./locales
COPY public ./public
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/scripts/healthcheck.js"]
CMD ["node", "--disable-warning=DEP0111", "dist/src/main.js"]
