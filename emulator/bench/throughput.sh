#!/usr/bin/env bash
# Requests/s of the standalone emulator: wrk with 16 connections for 10 s (after a 3 s warm-up),
# no configured latency, POST generateContent (post.lua). Builds nothing: it needs
# emulator/target/gemini-emulator.jar (mvn -pl emulator package) and wrk (apt-get install -y wrk).
# Java 21+ is taken from $JAVA_HOME, else from PATH. Only 127.0.0.1 is targeted.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../target/gemini-emulator.jar"
port="${PORT:-18089}"
duration="${DURATION:-10}"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

[[ -f "$jar" ]] || { echo "no $jar - build it first: mvn -pl emulator package" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

log="$(mktemp)"
"$java_bin" -jar "$jar" --port "$port" >"$log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q "listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$log" || { echo "emulator did not start:" >&2; cat "$log" >&2; exit 1; }
head -1 "$log"

url="http://127.0.0.1:$port"
timeout 20 wrk -t2 -c16 -d3s -s "$here/post.lua" "$url" >/dev/null # JIT warm-up, not reported
timeout $((duration + 20)) wrk -t2 -c16 -d"${duration}s" --latency -s "$here/post.lua" "$url"
