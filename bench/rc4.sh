#!/usr/bin/env bash
# RC4 throughput (ours beside the JDK's ARCFOUR) and MSE Diffie-Hellman cost, in one warm JVM.
#   bench/rc4.sh [MIB_PER_ROUND] [ROUNDS]     (defaults 256, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -q -B test-compile
exec java -cp target/classes:target/test-classes io.github.torrenthttpbridge.engine.Rc4Bench "$@"
