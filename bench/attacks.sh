#!/usr/bin/env bash
# Attack benchmark (issue 17): the five attacks of the wire-budget issue (and all at once), each against the demo
# site running with a 256 MiB heap, beside an honest libtorrent leecher with no rate cap (web seeds off), cold bridge
# each time; prints, from one run: the honest rate under each attack and its ratio to the unattacked rate, the site
# JVM's heap peak (from its GC log), and origin bytes / bytes delivered. Runs WireBudgetsIT unthrottled.
#   bench/attacks.sh        (needs python3-libtorrent)
# Targets: >= 0.8x for every attack, heap peak <= 256 MiB, origin <= 2x delivered + 64 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp verify -Dit.test=WireBudgetsIT -DwireBudgets.leechMiB=0 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dinvoker.skip > target/attacks.log 2>&1 || echo "(WireBudgetsIT failed its generous bounds: see target/failsafe-reports)"
grep -a "^wire budgets:" target/attacks.log | awk '!seen[$0]++'
echo "targets (issue 17): honest rate >= 0.8x unattacked under every attack; heap peak <= 256 MiB; origin <= 2x delivered + 64 MiB"
