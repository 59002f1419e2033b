# The Switchboard app as static files behind a tiny Node server (see docker-compose.yml).
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
# The server's runtime packages (sirv serves the files); no dev tools, no install scripts.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts
COPY --from=build /app/build ./build
COPY scripts ./scripts
ENV SWITCHBOARD_HOST=0.0.0.0
EXPOSE 4280
CMD ["node", "scripts/serve.js"]
