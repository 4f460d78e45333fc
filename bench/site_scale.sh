#!/usr/bin/env bash
# Site scale benchmark (issue 18): N small files through the demo filter, then a restart.
#   bench/site_scale.sh [N] [FILE_KIB]     (default 100000 files of 64 KiB; needs curl, python3, a JDK's jcmd)
# The files are sparse (no disk used; each has its own name, so its own info hash). Prints: files hashed per second
# (8 concurrent ?torrent requests, each waiting for its torrent; hash-jobs=4), the time from a restart to all N seeding, the
# status page's HTML and JSON latency and bytes (first page: 100 rows, of N), a page of 1,000 links, heap after GC.
# Everything listens on 127.0.0.1; the site runs in its own JVM (-Xmx1g) and is stopped at the end. PROFILE_DIR=DIR
# keeps a Java Flight Recording of each of the two runs there (hashing.jfr, restart.jfr); HISTO=N prints the N
# classes holding most of the heap at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
KIB=${2:-64}
JAR=target/torrent-http-bridge-cli.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
W=$(mktemp -d /tmp/thb-site-scale.XXXXXX)
JP=""
cleanup() { [ -n "$JP" ] && kill "$JP" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
mkdir -p "$W/data/files/many"
python3 - "$W/data" "$N" "$KIB" <<'PY'
import os, sys
data, n, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    d = os.path.join(data, "files", "many", "%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d.bin" % i), "wb") as f:
        f.truncate(kib * 1024)
with open(os.path.join(data, "links.html"), "w") as f:
    f.write("<!DOCTYPE html><html><head><meta charset=utf-8><title>1,000 links</title></head><body><ul>\n")
    for i in range(min(n, 1000)):
        f.write('<li><a href="files/many/%03d/f%06d.bin">f%06d.bin</a></li>\n' % (i // 1000, i, i))
    f.write("</ul></body></html>\n")
PY
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
start_site() {   # LABEL; with PROFILE_DIR set, a Java Flight Recording of each run lands in PROFILE_DIR/LABEL.jfr
  local jfr=()
  [ -n "${PROFILE_DIR:-}" ] && jfr=("-XX:StartFlightRecording=dumponexit=true,filename=$PROFILE_DIR/$1.jfr,settings=profile")
  java -Xmx1g "${jfr[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -Dorg.slf4j.simpleLogger.log.io.github.torrenthttpbridge.site.SiteTorrents=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS -jar "$JAR" serve webapp --host 127.0.0.1 --port "$PORT" \
    --data "$W/data" --torrent-port 0 --no-dht --param torrent-bridge.min-size=1024 \
    --param torrent-bridge.hash-queue=100000 --param torrent-bridge.hash-jobs=4 --param torrent-bridge.max-wait=60 \
    --param torrent-bridge.origin="$BASE" --param torrent-bridge.metadata-max-mib=4096 \
    --param torrent-bridge.max-folder-files=1000000 > "$W/site.out" 2> "$W/site.err" &
  JP=$!
  for i in $(seq 600); do curl -s -o /dev/null "$BASE/" && return 0; kill -0 "$JP" 2>/dev/null || { cat "$W/site.err"; exit 1; }; sleep 0.05; done
  echo "the site did not start"; exit 1
}
seeded() { curl -s "$BASE/torrent-bridge/?format=json&per=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["totals"]["seeded"])'; }

start_site hashing
python3 - "$BASE" "$N" <<'PY'
import sys, time, urllib.request, concurrent.futures
base, n = sys.argv[1], int(sys.argv[2])
def get(i):
    url = "%s/files/many/%03d/f%06d.bin?torrent" % (base, i // 1000, i)
    while True:
        try:
            with urllib.request.urlopen(url, timeout=120) as r:
                if r.status == 200:
                    return
        except urllib.error.HTTPError as e:
            if e.code not in (202, 503):
                raise
        time.sleep(0.05)
t = time.time()
with concurrent.futures.ThreadPoolExecutor(8) as ex:
    list(ex.map(get, range(n)))
s = time.time() - t
print("hashed %d files through the filter in %.1f s: %.0f files/s" % (n, s, n / s))
PY
[ "$(seeded)" -ge "$N" ] || { echo "not all seeded: $(seeded)"; exit 1; }   # (plus the demo's own files)

kill "$JP"; wait "$JP" 2>/dev/null || true
T0=$(date +%s.%N)
start_site restart
while [ "$(seeded 2>/dev/null || echo 0)" -lt "$N" ]; do sleep 0.1; done
T1=$(date +%s.%N)
python3 -c "print('restart to all %s seeding: %.1f s (JVM start included), from %s' % ('$N', $T1 - $T0, __import__('time').strftime('%H:%M:%S', __import__('time').localtime($T0))))"
grep -E "torrents known from|at once" "$W/site.err" | sed 's/^/  site: /'
sleep 2
measure() {   # LABEL URL: best and median of 10
  for i in $(seq 10); do curl -s -o /dev/null -w '%{time_total} %{size_download}\n' "$2"; done | sort -n | python3 -c "
import sys
rows = [l.split() for l in sys.stdin]
t = sorted(float(r[0]) for r in rows)
print('%-44s best %6.1f ms, median %6.1f ms, %8d bytes' % ('$1', t[0] * 1000, t[len(t) // 2] * 1000, int(rows[0][1])))"
}
measure "status page, HTML (100 rows of $N)" "$BASE/torrent-bridge/"
measure "status page, JSON (100 rows of $N)" "$BASE/torrent-bridge/?format=json"
measure "status page, HTML, ?q=f0999 (filter)" "$BASE/torrent-bridge/?q=f0999"
measure "status page, HTML, ?sort=uploaded" "$BASE/torrent-bridge/?sort=uploaded"
measure "a page of 1,000 links (links.html)" "$BASE/links.html"
[ -n "${HISTO:-}" ] && jcmd "$JP" GC.class_histogram | head -"$((HISTO + 3))"   # HISTO=N: the N classes holding most heap
jcmd "$JP" GC.run > /dev/null
jcmd "$JP" GC.heap_info | python3 -c "
import re, sys
t = sys.stdin.read()
m = re.search(r'used (\d+)K', t)
print('heap after GC: %.1f MiB (-Xmx1g)' % (int(m.group(1)) / 1024))"
echo "targets (issue 18, N = 100,000, 64 KiB): hashing >= 200 files/s, restart to all seeding <= 10 s, status page <= 50 ms"
echo "and <= 200 KB, link page <= 100 ms, heap <= 256 MiB"
