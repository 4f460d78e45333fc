#!/usr/bin/env bash
# Benchmark: one command, prints figures side by side for one run on loopback.
#   bench/run.sh [SIZE_MIB]        (default 256; needs nginx-light, mktorrent, python3-libtorrent, curl)
# Builds the CLI jar if needed. Everything listens on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZE_MIB=${1:-256}
JAR=$ROOT/target/torrent-http-bridge-cli.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
W=$(mktemp -d /tmp/thb-bench.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
now() { date +%s.%N; }
rate() { python3 -c "import sys; print('%.0f' % ($SIZE_MIB / (float(sys.argv[2]) - float(sys.argv[1]))))" "$1" "$2"; }

mkdir -p "$W/www" "$W/dl1" "$W/dl2"
head -c $((SIZE_MIB * 1048576)) /dev/urandom > "$W/www/file.bin"; chmod 644 "$W/www/file.bin"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/nginx.conf" <<NGINX
worker_processes 2; daemon off; pid $W/nginx.pid; error_log $W/error.log;
events { worker_connections 1024; }
http { sendfile on; log_format b '\$status \$body_bytes_sent'; access_log $W/access.log b;
       server { listen 127.0.0.1:$PORT; root $W/www; } }
NGINX
nginx -c "$W/nginx.conf" -p "$W" & PIDS+=($!)
sleep 0.5
URL=http://127.0.0.1:$PORT/file.bin
cat "$W/www/file.bin" > /dev/null   # warm the page cache for every contender

t0=$(now); sha1sum "$W/www/file.bin" > /dev/null; t1=$(now); SHA1=$(rate "$t0" "$t1")
t0=$(now); mktorrent -t 2 -l 18 -o "$W/mk.torrent" "$W/www/file.bin" > /dev/null; t1=$(now); MK=$(rate "$t0" "$t1")
t0=$(now); java -jar "$JAR" create "$URL" --piece-size 262144 --no-webseed -o "$W/thb.torrent" > "$W/create.out" 2> "$W/create.err" || { cat "$W/create.err" "$W/error.log"; exit 1; }; t1=$(now); THB=$(rate "$t0" "$t1")
t0=$(now); curl -s -o /dev/null "$URL"; t1=$(now); CURL=$(rate "$t0" "$t1")

# libtorrent seeding from local disk -> libtorrent leecher
python3_lt=/usr/bin/python3
$python3_lt bench/lt_seed.py --torrent "$W/mk.torrent" --data "$W/www" --timeout 300 > "$W/ltseed.out" & PIDS+=($!)
for i in $(seq 100); do grep -q port "$W/ltseed.out" 2>/dev/null && break; sleep 0.2; done
LTPORT=$(python3 -c "import json;print(json.load(open('$W/ltseed.out'))['port'])")
$python3_lt src/test/python/leech.py --torrent "$W/mk.torrent" --save "$W/dl1" --peer 127.0.0.1:$LTPORT --timeout 240 > "$W/lt.json" 2>/dev/null
LTDISK=$(python3 -c "import json;print(json.load(open('$W/lt.json'))['download_rate_mib_s'])")

# the bridge seeding from nginx -> libtorrent leecher; a fresh bridge (cold JVM, empty cache) per run.
# bridge_run NAME [LEECH_OPTS...]: sets RATE_<NAME>, SAME_<NAME>, REQS_<NAME>, BYTES_<NAME>
bridge_run() {
  local name=$1; shift
  rm -rf "$W/dl2"; mkdir -p "$W/dl2"
  java -jar "$JAR" seed "$URL" --torrent "$W/mk.torrent" --bind 127.0.0.1 --port 0 --no-dht --cache-mib 512 > "$W/seed.out" 2> "$W/seed.err" &
  local jp=$!; PIDS+=($jp)
  for i in $(seq 100); do grep -q "torrent port" "$W/seed.out" 2>/dev/null && break; sleep 0.2; done
  local bport; bport=$(awk '/torrent port/ {print $3}' "$W/seed.out")
  : > "$W/access.log"
  $python3_lt src/test/python/leech.py --torrent "$W/mk.torrent" --save "$W/dl2" --peer 127.0.0.1:$bport --timeout 240 "$@" > "$W/bridge.json" 2>/dev/null
  printf -v "RATE_$name" '%s' "$(python3 -c "import json;print(json.load(open('$W/bridge.json'))['download_rate_mib_s'])")"
  if cmp -s "$W/www/file.bin" "$W/dl2/file.bin"; then printf -v "SAME_$name" identical; else printf -v "SAME_$name" DIFFERENT; fi
  read -r "REQS_$name" "BYTES_$name" < <(awk '{n++; b+=$2} END {print n+0, b+0}' "$W/access.log")
  kill "$jp" 2>/dev/null || true; wait "$jp" 2>/dev/null || true
}
# default: libtorrent offers RC4 and plaintext in an MSE handshake; the bridge picks plaintext (see BtEngine)
bridge_run RC4 --force-rc4
bridge_run MSEPLAIN
# libtorrent with encryption off: plaintext payload, as between two libtorrents (libtorrent's seed prefers plaintext)
bridge_run PLAIN --no-encryption
BRIDGE=$RATE_RC4; SAME=$SAME_RC4; REQS=$REQS_RC4; BYTES=$BYTES_RC4
SERVED=$((SIZE_MIB * 1048576))

printf '\n== torrent-http-bridge benchmark: %d MiB file, loopback, %s ==\n' "$SIZE_MIB" "$(date -u +%FT%TZ)"
printf '%-52s %10s\n' "measure" "MiB/s"
printf '%-52s %10s\n' "create: torrent-http-bridge (stream URL, 256 KiB)" "$THB"
printf '%-52s %10s\n' "create: mktorrent -t 2 -l 18 (local file)" "$MK"
printf '%-52s %10s\n' "sha1sum (local file)" "$SHA1"
printf '%-52s %10s\n' "download: libtorrent <- bridge <- nginx (RC4 forced)" "$BRIDGE"
printf '%-52s %10s\n' "download: same, MSE -> plaintext (lt default)" "$RATE_MSEPLAIN"
printf '%-52s %10s\n' "download: same, plaintext (lt encryption off)" "$RATE_PLAIN"
printf '%-52s %10s\n' "download: libtorrent <- libtorrent (local disk)" "$LTDISK"
printf '%-52s %10s\n' "download: curl <- nginx" "$CURL"
printf 'bridged bytes %s (plaintext run: %s); creation ratio %.2fx mktorrent; bridge %.2fx (plaintext %.2fx) libtorrent-from-disk\n' "$SAME" "$SAME_PLAIN" \
  "$(python3 -c "print($THB/$MK)")" "$(python3 -c "print($BRIDGE/$LTDISK)")" "$(python3 -c "print($RATE_PLAIN/$LTDISK)")"
python3 -c "print('origin bytes / served: %.3f (plaintext run %.3f)    origin requests per MiB served: %.2f' % ($BYTES/$SERVED, $BYTES_PLAIN/$SERVED, $REQS/($SERVED/1048576)))"
