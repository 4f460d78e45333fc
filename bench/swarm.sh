#!/usr/bin/env bash
# Swarm economy (issue 21): copies of the file the seed uploads, and the time until every leecher is done, for the
# bridge (economical and plain seeding) and libtorrent seeding the same file from disk (plain and BEP 16
# super-seeding), side by side in one run. 8 libtorrent leechers with 1 MiB/s uplinks, all connected to each other,
# the seed capped at 4 MiB/s, the demo's 32 MiB file; arrivals all at once (each stays) and one every 2 s (each
# leaves when done). Needs python3-libtorrent. Everything listens on 127.0.0.1 and stops by itself.
#   bench/swarm.sh [bench/swarm.py options, e.g. --repeat 3 --arrivals staggered]
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/torrent-http-bridge-cli.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests -Dinvoker.skip
/usr/bin/python3 bench/swarm.py --jar "$JAR" --webapp webapp "$@"
cat <<'T'
targets (issue 21), economical: simultaneous copies <= 1.15 and all done <= 0.8 x lt:super's time;
staggered copies <= 0.9 x lt:plain's and all done no later than lt:plain; plain: within 10 % of lt:plain
T
