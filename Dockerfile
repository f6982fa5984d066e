# MEP Bridge add-on image (home-assistant.md §1.4). Two stages: the first builds from source, so the Supervisor
# can build the add-on straight from this repository (dist/ is not committed); the second is the Home Assistant
# base image (Alpine, s6-overlay, bashio) with Alpine's Node.js and only the built files.
ARG BUILD_FROM=ghcr.io/home-assistant/base:3.24

# ---- build: device firmware + update packages (npm run build), the add-on bundle and the panel (addon/build) ----
FROM node:20-alpine AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
    && npx tsx addon/build/build.ts \
    && test -f dist/addon/main.mjs \
    && test -f dist/addon/panel/index.html \
    && test -f dist/firmware.bin \
    && test -f dist/update.wwws

# ---- the add-on ----
FROM ${BUILD_FROM}
ARG BUILD_ARCH=amd64
ARG BUILD_VERSION=0.1.0

RUN apk add --no-cache nodejs

# The bundle (main.mjs) and the panel assets (panel/)
COPY --from=build /build/dist/addon/ /app/
# The firmware catalog shipped with the add-on: the device firmware and web bundle of this very version
COPY --from=build /build/dist/firmware.bin /build/dist/update.wwws /app/firmware/
# s6-overlay service scripts
COPY rootfs /

# The panel answers /health on the ingress port to the container itself; the Supervisor restarts an unhealthy
# add-on (this replaces config.yaml's `watchdog`, which the linter rejects).
HEALTHCHECK --interval=1m --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8099/health || exit 1

LABEL \
    io.hass.name="MEP Bridge" \
    io.hass.description="OSGP/NES electricity meters read through their MEP port by ESP32 bridges, into Home Assistant over MQTT" \
    io.hass.type="app" \
    io.hass.version="${BUILD_VERSION}" \
    io.hass.arch="${BUILD_ARCH}" \
    org.opencontainers.image.title="MEP Bridge" \
    org.opencontainers.image.description="Home Assistant add-on for OSGP/NES meters read through their MEP port" \
    org.opencontainers.image.version="${BUILD_VERSION}" \
    org.opencontainers.image.licenses="MIT"
