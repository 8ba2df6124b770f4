# vaultkeeper image: built with the repository's CMake preset on Debian bookworm; the final stage holds only
# the binary and the shared libraries it links (from Debian packages), and runs as a non-root user.
#   docker build -t vaultkeeper .
#   docker run -v /path/vaultkeeper.json:/etc/vaultkeeper/vaultkeeper.json:ro -e VK_ADMIN_TOKEN=... vaultkeeper

FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ca-certificates \
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev \
      libssl-dev zlib1g-dev libspdlog-dev prometheus-cpp-dev libyaml-cpp-dev libgpgme-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY cmake cmake
COPY third_party third_party
COPY server server
COPY web web
RUN cmake --preset default -DVK_BUILD_TESTS=OFF -DVK_BUILD_SIMS=OFF -DVK_BUILD_BENCH=OFF \
 && cmake --build --preset default --target vaultkeeper \
 && strip build/bin/vaultkeeper \
 && build/bin/vaultkeeper --version

FROM debian:bookworm-slim
# The runtime libraries of `ldd vaultkeeper`, and CA certificates for TLS to Vault and Consul; the user, and the
# state directories of docker-compose.yml's jobs (snapshot spool and storage, emissary output, keeper stores)
# owned by it, so that the fresh named volumes mounted on them take that owner.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libboost-json1.81.0 libboost-url1.81.0 libssl3 libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libyaml-cpp0.7 zlib1g \
      libgpgme11 gnupg ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 vaultkeeper \
 && useradd --system --uid 10001 --gid vaultkeeper --home-dir /var/lib/vaultkeeper --create-home \
      --shell /usr/sbin/nologin vaultkeeper \
 && install -d -m 0700 -o vaultkeeper -g vaultkeeper /var/lib/vaultkeeper/spool /var/lib/vaultkeeper/snapshots \
      /var/lib/vaultkeeper/rendered /var/lib/vaultkeeper/keeper-a /var/lib/vaultkeeper/keeper-b \
      /var/lib/vaultkeeper/keeper-c
COPY --from=build /src/build/bin/vaultkeeper /usr/local/bin/vaultkeeper
# Fails the image build if a runtime library is missing.
RUN ! ldd /usr/local/bin/vaultkeeper | grep -q 'not found' && /usr/local/bin/vaultkeeper --version
USER vaultkeeper:vaultkeeper
WORKDIR /var/lib/vaultkeeper
EXPOSE 8290
ENTRYPOINT ["/usr/local/bin/vaultkeeper"]
CMD ["--config", "/etc/vaultkeeper/vaultkeeper.json"]
