# hubsync's worker and API server (one image, two commands: node dist/src/worker.js | dist/src/server.js).
# Build stage: every dependency, Prisma's generated client, tsc. Final stage: production dependencies and the
# compiled JavaScript only (no tsx, jest, playwright or TypeScript). Used by docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# postinstall would run `prisma generate`, which needs the dev-only prisma CLI: the build stage's client is copied.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma ./prisma
USER node
EXPOSE 3000 9464 9465
CMD ["node", "dist/src/server.js"]
