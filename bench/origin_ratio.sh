#!/usr/bin/env bash
# Origin efficiency: how many bytes the origin serves per copy of the file, for 1 and N concurrent leechers.
#   bench/origin_ratio.sh                      the issue's table: 256 MiB with a 32 MiB memory cache, 1 GiB with the
#                                              default cache (128 MiB), each with the default disk cache (1 GiB),
#                                              plus the 256 MiB runs with the disk cache off, for comparison
#   bench/origin_ratio.sh SIZE_MIB CACHE_MIB DISK_MIB [LEECHERS]    one configuration (default 8 leechers)
# Bytes are counted at the origin (nginx's access log: body bytes sent). Every download is compared with the file.
# A fresh bridge (CLI jar, cold cache) per run; leechers are libtorrent (python3-libtorrent), TCP, no web seeds.
# Needs nginx-light, mktorrent, python3-libtorrent. Everything listens on 127.0.0.1 and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=$ROOT/target/torrent-http-bridge-cli.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
W=$(mktemp -d /tmp/thb-ratio.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
PY=/usr/bin/python3
mkdir -p "$W/www"
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$W/nginx.conf" <<NGINX
worker_processes 1; daemon off; pid $W/nginx.pid; error_log $W/error.log;
events { worker_connections 1024; }
http { sendfile on; log_format b '\$status \$body_bytes_sent'; access_log $W/access.log b;
       server { listen 127.0.0.1:$PORT; root $W/www; } }
NGINX
nginx -c "$W/nginx.conf" -p "$W" & PIDS+=($!)
sleep 0.5

make_file() {  # SIZE_MIB -> $W/www/f<SIZE>.bin and its torrent (256 KiB pieces for 256 MiB, 1 MiB above)
  local size=$1 f=$W/www/f$1.bin
  [ -f "$f" ] && return
  head -c $((size * 1048576)) /dev/urandom > "$f"; chmod 644 "$f"
  local l=18; [ "$size" -ge 1024 ] && l=20
  mktorrent -l $l -o "$W/f$size.torrent" "$f" > /dev/null
}

ROWS=()
# run SIZE_MIB CACHE_MIB DISK_MIB LEECHERS
run() {
  local size=$1 cache=$2 disk=$3 n=$4
  make_file "$size"
  local url=http://127.0.0.1:$PORT/f$size.bin
  java -Xmx1g -jar "$JAR" seed "$url" --torrent "$W/f$size.torrent" --bind 127.0.0.1 --port 0 --no-dht \
      --cache-mib "$cache" --disk-cache-mib "$disk" > "$W/seed.out" 2> "$W/seed.err" &
  local jp=$!; PIDS+=($jp)
  for i in $(seq 150); do grep -q "torrent port" "$W/seed.out" 2>/dev/null && break; sleep 0.2; done
  local bport; bport=$(awk '/torrent port/ {print $3}' "$W/seed.out")
  [ -n "$bport" ] || { cat "$W/seed.err"; exit 1; }
  : > "$W/access.log"
  local t0; t0=$(date +%s.%N)
  local lp=()
  for i in $(seq "$n"); do
    rm -rf "$W/dl$i"; mkdir -p "$W/dl$i"
    $PY src/test/python/leech.py --torrent "$W/f$size.torrent" --save "$W/dl$i" --peer 127.0.0.1:$bport \
        --timeout 900 --no-pex > "$W/leech$i.json" 2> /dev/null &   # no peer exchange: each leecher is served by the bridge
    lp+=($!)
  done
  local same=0
  for i in $(seq "$n"); do
    wait "${lp[$((i - 1))]}" || true
    cmp -s "$W/www/f$size.bin" "$W/dl$i/f$size.bin" && same=$((same + 1))
    rm -rf "$W/dl$i"
  done
  local t1; t1=$(date +%s.%N)
  sleep 0.5
  local bytes; bytes=$(awk '{b+=$2} END {print b+0}' "$W/access.log")
  local reqs; reqs=$(awk 'END {print NR}' "$W/access.log")
  kill "$jp" 2>/dev/null || true; wait "$jp" 2>/dev/null || true
  local summary; summary=$(grep -o 'origin/uploaded [^)]*), cache hits memory [0-9]* / disk [0-9]*' "$W/seed.err" | tail -1 || true)
  ROWS+=("$(printf '%6s %6s %6s %3s  %8.3f %8s  %4d/%-2d %6.0f   %s' "$size" "$cache" "$disk" "$n" \
      "$($PY -c "print($bytes / ($size * 1048576))")" "$reqs" "$same" "$n" \
      "$($PY -c "print($size * $n / ($t1 - $t0))")" "$summary")")
}

if [ $# -ge 3 ]; then
  run "$1" "$2" "$3" "${4:-8}"
else
  run 256 32 1024 1
  run 256 32 1024 8
  run 1024 128 1024 1
  run 1024 128 1024 8
  run 256 32 0 1
  run 256 32 0 8
fi
printf '\n== origin bytes per copy of the file (target: 1 leecher <= 1.05, 8 leechers <= 1.20), %s ==\n' "$(date -u +%FT%TZ)"
printf '%6s %6s %6s %3s  %8s %8s  %7s %6s   %s\n' "MiB" "cache" "disk" "n" "ratio" "requests" "same" "MiB/s" "bridge's own summary at exit"
for r in "${ROWS[@]}"; do echo "$r"; done
