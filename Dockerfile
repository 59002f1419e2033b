# The Switchboard app as static files behind a tiny Node server (see docker-compose.yml).
FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
COPY --from=build /app/build ./build
COPY scripts ./scripts
COPY package.json ./
ENV SWITCHBOARD_HOST=0.0.0.0
EXPOSE 4280
CMD ["node", "scripts/serve.js"]
