#!/usr/bin/env bash
# Benchmark: one command, prints figures side by side for one run on loopback.
#   bench/run.sh [SIZE_MIB]        (default 256; needs nginx-light, mktorrent, python3-libtorrent, curl)
# Builds the CLI jar if needed. Everything listens on 127.0.0.1 and stops by itself.
# Download rows: a libtorrent leecher (TCP, web seeds off) takes the file from
#   - libtorrent seeding it from local disk (the anchor),
#   - the bridge fetching it from nginx: "cold" = a fresh bridge JVM with an empty cache (origin fetch + SHA-1 +
#     JIT included), "warm" = the same bridge serving from its memory cache once the JIT has settled (after
#     warm-up downloads totalling at least 1 GiB: until then C2 compilation dominates the process's CPU time);
#     each with libtorrent's default settings (MSE offered, the bridge picks plaintext) and with RC4 forced.
# CPU s/GiB = the seeding process's user+system time (from /proc) while it served the download, per GiB.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SIZE_MIB=${1:-256}
JAR=${JAR:-$ROOT/target/torrent-http-bridge-cli.jar}   # JAR=... to measure another build
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
W=$(mktemp -d /tmp/thb-bench.XXXXXX); chmod 755 "$W"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
now() { date +%s.%N; }
rate() { python3 -c "import sys; print('%.0f' % ($SIZE_MIB / (float(sys.argv[2]) - float(sys.argv[1]))))" "$1" "$2"; }
# cpu PID: user+system seconds the process has used so far
cpu() { python3 -c "import os,sys; f=open('/proc/%s/stat' % sys.argv[1]).read().rsplit(')',1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK'))" "$1"; }
per_gib() { python3 -c "import sys; print('%.2f' % ((float(sys.argv[2]) - float(sys.argv[1])) * 1024 / $SIZE_MIB))" "$1" "$2"; }
json() { python3 -c "import json,sys;print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

mkdir -p "$W/www" "$W/dl"
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
t0=$(now); mktorrent -t 2 -l 20 -o "$W/mk.torrent" "$W/www/file.bin" > /dev/null; t1=$(now); MK=$(rate "$t0" "$t1")
t0=$(now); java -jar "$JAR" create "$URL" --no-webseed -o "$W/thb.torrent" > "$W/create.out" 2> "$W/create.err" || { cat "$W/create.err" "$W/error.log"; exit 1; }; t1=$(now); THB=$(rate "$t0" "$t1")
THBWARM=$(java -cp "$JAR" bench/CreateBench.java "$URL" 5 2> "$W/createbench.err" | tail -1)
THBHYB=$(java -cp "$JAR" bench/CreateBench.java "$URL" 5 hybrid 2>> "$W/createbench.err" | tail -1)
t0=$(now); /usr/bin/python3 src/test/python/lt_create.py --path "$W/www/file.bin" --piece 1048576 --version hybrid --out "$W/lt-hybrid.torrent" > /dev/null; t1=$(now); LTHYB=$(rate "$t0" "$t1")
t0=$(now); curl -s -o /dev/null "$URL"; t1=$(now); CURL=$(rate "$t0" "$t1")

leech() {   # leech OUT.json [OPTS...] against peer $1 in $LEECH_PEER
  local out=$1; shift
  rm -rf "$W/dl"; mkdir -p "$W/dl"
  /usr/bin/python3 src/test/python/leech.py --torrent "$W/mk.torrent" --save "$W/dl" --peer "$LEECH_PEER" --timeout 300 "$@" > "$out" 2>/dev/null
  cmp -s "$W/www/file.bin" "$W/dl/file.bin" || { echo "BYTES DIFFER in $out"; cat "$out"; exit 1; }
}

# the anchor: libtorrent seeding from local disk
/usr/bin/python3 bench/lt_seed.py --torrent "$W/mk.torrent" --data "$W/www" --timeout 900 > "$W/ltseed.out" & LTPID=$!; PIDS+=($LTPID)
for i in $(seq 150); do grep -q port "$W/ltseed.out" 2>/dev/null && break; sleep 0.2; done
LEECH_PEER=127.0.0.1:$(json "$W/ltseed.out" port)
c0=$(cpu $LTPID); leech "$W/lt.json"; c1=$(cpu $LTPID); LT_RATE=$(json "$W/lt.json" download_rate_mib_s); LT_CPU=$(per_gib "$c0" "$c1")
c0=$(cpu $LTPID); leech "$W/lt2.json" --force-rc4; c1=$(cpu $LTPID); LTRC4_RATE=$(json "$W/lt2.json" download_rate_mib_s); LTRC4_CPU=$(per_gib "$c0" "$c1")
kill $LTPID; wait $LTPID 2>/dev/null || true

# bridge_run NAME [LEECH_OPTS...]: a fresh bridge JVM; a cold download, then a warm one.
# Sets COLD_<NAME>, WARM_<NAME> (MiB/s), COLDCPU_<NAME>, WARMCPU_<NAME> (s/GiB), ORIGIN_<NAME> (origin bytes / file)
bridge_run() {
  local name=$1; shift
  java -jar "$JAR" seed "$URL" --torrent "$W/mk.torrent" --bind 127.0.0.1 --port 0 --no-dht --cache-mib $((SIZE_MIB + 256)) ${SEED_ARGS:-} > "$W/seed.out" 2> "$W/seed.err" &
  local jp=$!; PIDS+=($jp)
  for i in $(seq 150); do grep -q "torrent port" "$W/seed.out" 2>/dev/null && break; sleep 0.2; done
  LEECH_PEER=127.0.0.1:$(awk '/torrent port/ {print $3}' "$W/seed.out")
  : > "$W/access.log"
  local c0 c1 c2
  c0=$(cpu $jp); leech "$W/cold.json" "$@"; c1=$(cpu $jp)
  for i in $(seq $(( (1023 + SIZE_MIB) / SIZE_MIB ))); do leech "$W/warmup.json" "$@"; done
  c1=$(cpu $jp); leech "$W/warm.json" "$@"; c2=$(cpu $jp)
  printf -v "COLD_$name" '%s' "$(json "$W/cold.json" download_rate_mib_s)"
  printf -v "WARM_$name" '%s' "$(json "$W/warm.json" download_rate_mib_s)"
  printf -v "COLDCPU_$name" '%s' "$(per_gib "$c0" "$c1")"
  printf -v "WARMCPU_$name" '%s' "$(per_gib "$c1" "$c2")"
  printf -v "ORIGIN_$name" '%s' "$(awk -v s=$((SIZE_MIB * 1048576)) '{b+=$2} END {printf "%.3f", b/s}' "$W/access.log")"
  kill "$jp" 2>/dev/null || true; wait "$jp" 2>/dev/null || true
}
bridge_run DEF
bridge_run RC4 --force-rc4

x() { python3 -c "import sys; print('%.2fx' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
printf '\n== torrent-http-bridge benchmark: %d MiB file, loopback, %s, %s cores ==\n' "$SIZE_MIB" "$(date -u +%FT%TZ)" "$(nproc)"
printf '%-56s %8s %10s %9s %10s\n' "download into libtorrent (default settings unless said)" "MiB/s" "vs anchor" "CPU s/GiB" "vs anchor"
printf '%-56s %8s %10s %9s %10s\n' "anchor: libtorrent seeding from local disk" "$LT_RATE" "1.00x" "$LT_CPU" "1.00x"
printf '%-56s %8s %10s %9s %10s\n' "bridge <- nginx, cold (fresh JVM, empty cache)" "$COLD_DEF" "$(x $COLD_DEF $LT_RATE)" "$COLDCPU_DEF" "$(x $COLDCPU_DEF $LT_CPU)"
printf '%-56s %8s %10s %9s %10s\n' "bridge, warm (pieces in memory, JIT settled)" "$WARM_DEF" "$(x $WARM_DEF $LT_RATE)" "$WARMCPU_DEF" "$(x $WARMCPU_DEF $LT_CPU)"
printf '%-56s %8s %10s %9s %10s\n' "anchor, RC4 forced" "$LTRC4_RATE" "1.00x" "$LTRC4_CPU" "1.00x"
printf '%-56s %8s %10s %9s %10s\n' "bridge, RC4 forced, cold" "$COLD_RC4" "$(x $COLD_RC4 $LT_RATE)" "$COLDCPU_RC4" "$(x $COLDCPU_RC4 $LT_CPU)"
printf '%-56s %8s %10s %9s %10s\n' "bridge, RC4 forced, warm" "$WARM_RC4" "$(x $WARM_RC4 $LT_RATE)" "$WARMCPU_RC4" "$(x $WARMCPU_RC4 $LT_CPU)"
printf '%-56s %8s\n' "curl <- nginx" "$CURL"
printf '\n%-56s %8s\n' "create (MiB/s)" ""
printf '%-56s %8s\n' "torrent-http-bridge CLI, URL from nginx (cold JVM)" "$THB"
printf '%-56s %8s\n' "torrent-http-bridge, warm JVM (best of 5, bench/CreateBench)" "$THBWARM"
printf '%-56s %8s\n' "torrent-http-bridge, warm JVM, hybrid v1+v2 (best of 5)" "$THBHYB"
printf '%-56s %8s\n' "libtorrent create_torrent, hybrid (local file)" "$LTHYB"
printf '%-56s %8s\n' "mktorrent -t 2 -l 20 (local file)" "$MK"
printf '%-56s %8s\n' "sha1sum (local file)" "$SHA1"
printf '\nbytes identical in every download; origin bytes / file per bridge JVM (all its downloads): %s (default), %s (RC4)\n' "$ORIGIN_DEF" "$ORIGIN_RC4"
printf 'targets (issue 8): cold >= 1.0x, warm >= 1.5x, RC4 >= 0.8x the anchor; CPU warm <= 0.7x, cold <= 2x\n'
