#!/usr/bin/env bash
# Contract check: the SDK drives every operation through a Prism proxy that validates each request
# and each emulator response against the official document (normalised by `cargo xtask specs normalize`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Binaries live where cargo puts them, which a user may have moved.
bin="${CARGO_TARGET_DIR:-$root/target}/debug"
prism_dir="$root/target/prism"
if [ ! -x "$prism_dir/node_modules/.bin/prism" ]; then
  mkdir -p "$prism_dir"
  (cd "$prism_dir" && npm install --no-audit --no-fund --loglevel=error @stoplight/prism-cli@5 >/dev/null)
fi
prism="$prism_dir/node_modules/.bin/prism"
bin="${CARGO_TARGET_DIR:-$root/target}/debug"

cargo xtask specs normalize --out "$root/target/specs"
cargo build --locked -p jaicp-cli -p jaicp-tests --bins
bin="${CARGO_TARGET_DIR:-$root/target}/debug"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() {
  for _ in $(seq 1 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "port $1 did not open"; return 1
}

emu_port=$(free_port)
prism_port=$(free_port)
logs="$root/target/contract-logs"
mkdir -p "$logs"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

"$bin/jaicp" emulator serve --port "$emu_port" >"$logs/emulator.log" 2>&1 &
pids+=($!)
wait_port "$emu_port"

# run_doc DOC API [BASE]: BASE is the document's server path (Prism matches paths without it, so
# it goes onto the upstream URL and the driver is told to leave it out).
run_doc() {
  local doc=$1 driver_api=$2 base=${3:-}
  "$prism" proxy --errors -p "$prism_port" -h 127.0.0.1 "$root/target/specs/$doc" "http://127.0.0.1:$emu_port$base" \
    >"$logs/prism-$doc.log" 2>&1 &
  local pid=$!
  pids+=($pid)
  wait_port "$prism_port"
  JAICP_NLP_PREFIX="" JAICP_HOST="http://127.0.0.1:$prism_port" JAICP_EMULATOR_URL="http://127.0.0.1:$emu_port" \
    "$bin/jaicp-contract" "$driver_api" "$doc" \
    || { echo "contract check of $doc failed; Prism said:"; grep -i "violation\|error" "$logs/prism-$doc.log" | tail -20; return 1; }
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

run_doc calls.yml calls
run_doc chat.yml chat
run_doc pushgate.yml pushgate
run_doc imputer.yml imputer
run_doc operator.yml operator
run_doc prompter.yml prompter
run_doc direct.yml nlp /cailapub
run_doc project-api.yml project
run_doc bot-channel-api.yml channel
run_doc async-api.yml async
run_doc reporter-api.yml reporter
run_doc text-campaign-api.yml text-campaigns
