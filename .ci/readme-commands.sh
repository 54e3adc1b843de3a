#!/usr/bin/env bash
# The README's two commands, run as written in a fresh clone with an empty npm cache: what a newcomer
# does on a fresh machine. `npm install && npm start` is stopped once the service says it is ready
# and answers /healthz; `npm test` runs the whole suite (installing Debian's chromium first where the
# machine has no browser and this user may). .ci/run calls this; run it yourself with
#   bash .ci/readme-commands.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -TERM -- "-$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The fenced sh blocks of README.md's section "## The two commands", in order.
mapfile -t commands < <(awk '/^## The two commands/{s=1;next} /^## /{s=0} s&&/^```sh/{b=1;next} s&&/^```/{b=0;next} s&&b&&NF{print}' "$repo/README.md")
if [ "${#commands[@]}" -ne 2 ]; then
  echo "README.md's section 'The two commands' should hold two sh blocks of one command each; found ${#commands[@]} lines." >&2
  exit 1
fi

git clone --quiet --no-hardlinks "$repo" "$work/clone"
git -C "$work/clone" checkout --quiet "$(git -C "$repo" rev-parse HEAD)"
# A clean npm cache: every package comes from the registry, as on a fresh machine.
export npm_config_cache="$work/npm-cache"
cd "$work/clone"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"

echo "== ${commands[0]}    (fresh clone of $(git rev-parse --short HEAD), empty npm cache, PORT=$port; stopped once ready)"
started=$(date +%s)
: > "$work/start.log"
PORT="$port" setsid bash -c "${commands[0]}" > "$work/start.log" 2>&1 &
server=$!
until grep -q "Intake assistant ready" "$work/start.log"; do
  if ! kill -0 "$server" 2>/dev/null; then cat "$work/start.log"; echo "'${commands[0]}' ended before the service was ready." >&2; exit 1; fi
  if [ $(( $(date +%s) - started )) -gt 900 ]; then cat "$work/start.log"; echo "'${commands[0]}': not ready after 15 minutes." >&2; exit 1; fi
  sleep 1
done
cat "$work/start.log"
node -e "fetch('http://127.0.0.1:$port/healthz').then(r=>{if(!r.ok)throw new Error('status '+r.status);console.log('GET /healthz: '+r.status)}).catch(e=>{console.error('GET /healthz failed: '+e.message);process.exit(1)})"
echo "== npm printed $(grep -c "npm warn" "$work/start.log" || true) warning lines (the README says which are expected)"
kill -TERM -- "-$server"
wait "$server" || true
server=""
echo "== ready after $(( $(date +%s) - started )) s (install, build and start)"

echo "== ${commands[1]}"
bash -c "${commands[1]}"
