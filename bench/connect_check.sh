#!/usr/bin/env bash
# Repeated-connection check: N sequential libtorrent leechers (each its own session, so a new TCP connection
# and, by default, an MSE handshake offering RC4 and plaintext) download a small file from one bridge.
#   bench/connect_check.sh [N] [LEECH_OPTS...]      (default 40; needs nginx-light, python3-libtorrent)
# Prints the seconds from each leecher's TCP connect to its first payload byte and counts garbled connections
# ("Unknown message type", or a garbage length prefix: "exceeds the limit") and failed handshakes in the bridge's debug log. Everything stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${1:-40}; shift || true
JAR=${JAR:-$ROOT/target/torrent-http-bridge-cli.jar}
W=$(mktemp -d /tmp/thb-conn.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
mkdir -p "$W/www"
head -c $((2 * 1048576)) /dev/urandom > "$W/www/file.bin"; chmod 644 "$W/www/file.bin"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $W/nginx.pid; error_log $W/error.log;
events { worker_connections 256; }
http { access_log off; server { listen 127.0.0.1:$PORT; root $W/www; } }
NGINX
nginx -c "$W/nginx.conf" -p "$W" & PIDS+=($!)
sleep 0.5
URL=http://127.0.0.1:$PORT/file.bin
java -jar "$JAR" create "$URL" --piece-size 65536 --no-webseed -o "$W/t.torrent" > /dev/null
timeout 900 java -Dorg.slf4j.simpleLogger.log.bt=debug -Dorg.slf4j.simpleLogger.log.io.github.torrenthttpbridge.engine.MseSafeHandshakeProcessor=debug -jar "$JAR" seed "$URL" --torrent "$W/t.torrent" \
  --bind 127.0.0.1 --port 0 --no-dht > "$W/seed.out" 2> "$W/seed.err" & PIDS+=($!)
for i in $(seq 100); do grep -q "torrent port" "$W/seed.out" 2>/dev/null && break; sleep 0.2; done
BPORT=$(awk '/torrent port/ {print $3}' "$W/seed.out")
slow=0; failed=0; times=()
for i in $(seq "$N"); do
  rm -rf "$W/dl"; mkdir -p "$W/dl"
  if /usr/bin/python3 src/test/python/leech.py --torrent "$W/t.torrent" --save "$W/dl" --peer 127.0.0.1:$BPORT \
       --timeout 15 "$@" > "$W/l.json" 2>/dev/null; then :; else failed=$((failed+1)); fi
  # seconds from libtorrent's connect to the first payload byte: MSE + BitTorrent handshakes, unchoke, 1st block
  # (libtorrent itself only starts connecting on its 1-second tick, so its start-to-connect time is not ours)
  s=$(python3 -c "import json;j=json.load(open('$W/l.json'));c=j.get('connect_to_first_byte_seconds');print(c if c is not None else 99)")
  times+=("$s")
  python3 -c "import sys; sys.exit(0 if float('$s') < 2 else 1)" || slow=$((slow+1))
done
sleep 1
garbled=$(grep -c "Unknown message type\|exceeds the limit" "$W/seed.err" || true)
late=$(grep -c "IA 68 bytes, 0 of them" "$W/seed.err" || true)
modes=$(grep -o "MSE from .* selected" "$W/seed.err" | awk '{print $(NF-1)}' | sort | uniq -c | tr '\n' ' ' || true)
hsfail=$(grep -c "Failed to establish connection\|Handshake failed" "$W/seed.err" || true)
echo "downloads: $N  failed: $failed  first byte later than 2 s: $slow"
echo "seconds from connect to first byte: ${times[*]}"
python3 -c "import sys; t=sorted(map(float,sys.argv[1:])); print('min %.2f median %.2f max %.2f' % (t[0], t[len(t)//2], t[-1]))" "${times[@]}"
echo "bridge log: garbled ('Unknown message type' or absurd message length) x$garbled, failed connection setups x$hsfail"
echo "MSE handshakes (rewritten receiver only): $modes; IA still in flight when len(IA) was read: $late"
if [ -n "${KEEP_LOG:-}" ]; then cp "$W/seed.err" "$KEEP_LOG"; fi
[ "$failed" = 0 ] && [ "$slow" = 0 ] && [ "$garbled" = 0 ]
