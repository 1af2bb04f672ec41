# luc-sim in a container (issue 14): the package as `npm pack` makes it, installed globally on
# Node 20 (Debian bookworm), with the system packages of live mode: virsh (libvirt-clients) for
# scenarios with a cloud on libvirt, iproute2 for `luc testbed` (which needs --privileged).
#   docker build -t luc-sim .
#   docker run --rm -v "$PWD/results:/work/results" luc-sim run            # the bundled default
#   docker run --rm -v "$PWD:/work" luc-sim run my-scenario.yaml            # a file of yours
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json README.md ./
COPY src ./src
COPY scenarios ./scenarios
COPY topologies ./topologies
COPY docs ./docs
# prepack builds dist/; the tarball holds exactly what `npm install` of the package gets.
RUN npm pack --silent --pack-destination /tmp && mv /tmp/luc-sim-*.tgz /tmp/luc-sim.tgz

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends libvirt-clients iproute2 \
  && rm -rf /var/lib/apt/lists/*
COPY --from=build /tmp/luc-sim.tgz /tmp/luc-sim.tgz
RUN npm install -g --no-audit --no-fund /tmp/luc-sim.tgz && rm /tmp/luc-sim.tgz && luc --version
WORKDIR /work
ENTRYPOINT ["luc"]
CMD ["--help"]
