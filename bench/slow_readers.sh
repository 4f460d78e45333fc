#!/usr/bin/env bash
# Slow-reader benchmark: an honest libtorrent leecher alone, then beside four connections that ask for 1,500 blocks
# each and never read (re-opened as soon as the bridge drops them), from one bridge in one run; prints both rates and
# their ratio (target, issue 8: >= 0.8x). Runs SlowReadersIT, which also asserts a generous >= 0.5x.
#   bench/slow_readers.sh        (needs python3-libtorrent)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp verify -Dit.test=SlowReadersIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dinvoker.skip \
    -Djacoco.skip 2>&1 | grep -a "^slow readers:" || { echo "SlowReadersIT failed; see target/failsafe-reports"; exit 1; }
echo "target (issue 8): honest rate beside the non-readers >= 0.8x its rate alone"
