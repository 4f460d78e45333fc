#!/usr/bin/env bash
# Scale benchmark: one bridge with N registered torrents (default 100,000) on a 256 MiB heap; prints heap after GC,
# live threads, idle CPU, and the time a libtorrent leecher takes from connecting to its first byte of a random one.
#   bench/scale.sh [N]        (needs nginx-light, python3-libtorrent)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
JAR=target/torrent-http-bridge-cli.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
W=$(mktemp -d /tmp/thb-scale.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
mkdir -p "$W/www" "$W/dl"
head -c $((1024 * 1024)) /dev/urandom > "$W/www/f.bin"; chmod 644 "$W/www/f.bin"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $W/nginx.pid; error_log $W/error.log;
events { worker_connections 1024; }
http { sendfile on; access_log off; keepalive_requests 1000000; server { listen 127.0.0.1:$PORT; root $W/www; } }
NGINX
nginx -c "$W/nginx.conf" -p "$W" & PIDS+=($!)
sleep 0.5
mkfifo "$W/in"
java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$JAR" bench/ScaleBench.java "http://127.0.0.1:$PORT/f.bin" "$W/www/f.bin" "$N" "$W/pick.torrent" < "$W/in" > "$W/out" 2> "$W/err" & JP=$!; PIDS+=($JP)
exec 3> "$W/in"
for i in $(seq 1800); do grep -q "^ready" "$W/out" 2>/dev/null && break; kill -0 $JP 2>/dev/null || { cat "$W/err"; exit 1; }; sleep 1; done
BP=$(awk '/^ready/ {print $2}' "$W/out")
/usr/bin/python3 src/test/python/leech.py --torrent "$W/pick.torrent" --save "$W/dl" --peer 127.0.0.1:$BP --timeout 60 > "$W/leech.json" 2>/dev/null
echo >&3
grep -v "^ready" "$W/out"
python3 -c "import json; d=json.load(open('$W/leech.json')); print('libtorrent on a random torrent: ok %s, connect to first byte %.3f s' % (d['ok'], d['connect_to_first_byte_seconds']))"
cmp -s "$W/www/f.bin" "$W/dl/"*.bin && echo "bytes identical" || echo "BYTES DIFFER"
echo "targets (issue 8): heap <= 256 MiB after GC, live threads <= 64, idle CPU < 2 % of one core, first byte < 1 s"
