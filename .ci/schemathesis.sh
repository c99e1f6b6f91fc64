#!/usr/bin/env bash
# The Model API server (jaicp-model's keyword classifier example, with HTTP Basic auth on) checked
# against the official model-api-specification.yml (normalised by `cargo xtask specs normalize`)
# by Schemathesis from PyPI: no server errors, documented status codes and content types, responses
# that fit the schemas, valid requests accepted. Installs Schemathesis into a venv under target/.
#
# `negative_data_rejection` is left out on purpose: the server is lenient with what JAICP (a JVM
# service) may send, such as `null` for an optional field, which that check counts as invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin="${CARGO_TARGET_DIR:-$root/target}/debug/examples"
version=4.32.5
venv="$root/target/schemathesis/venv"
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

cargo xtask specs normalize --out "$root/target/specs" >/dev/null
cargo build --locked -p jaicp-model --features server --example keyword_classifier

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
logs="$root/target/schemathesis"
MODEL_API_LOGIN=schemathesis MODEL_API_PASSWORD="$password" \
  "$bin/keyword_classifier" --port "$port" >"$logs/service.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

# Without credentials the NLU routes refuse the request.
status=$(python3 - "$port" <<'PY'
import sys, urllib.request, urllib.error
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/ner", data=b"{}", method="POST",
                             headers={"Content-Type": "application/json"})
try:
    print(urllib.request.urlopen(req).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
)
[ "$status" = 401 ] || { echo "expected 401 without credentials, got $status"; exit 1; }

# Run from target/ so that Schemathesis' cache directory stays out of the tree.
cd "$logs"
timeout 180 "$venv/bin/schemathesis" run "$root/target/specs/model-api-specification.yml" \
  --url "http://127.0.0.1:$port" --auth "schemathesis:$password" \
  --checks all --exclude-checks negative_data_rejection \
  --max-examples 30 --workers 2 --request-timeout 10
