#!/usr/bin/env bash
# The GitHub Action's one doctor run (action.yml). The doctor runs once, writing the JSON report; SARIF, JUnit
# and the job summary are rendered from that report (`report show`), so a live run costs one set of calls and
# every format tells the same story. The script always exits 0 once the doctor has run: the upload steps
# must still run on a failing preflight, and the action's last step fails the job by the recorded exit code.
# Inputs come as INPUT_* environment variables; it runs locally too (tests set INPUT_COMMAND and GITHUB_OUTPUT).
set -euo pipefail

out="${INPUT_OUTPUT_DIR:-}"
[ -n "$out" ] || out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/edge-secrets"
mkdir -p "$out"
report="$out/edge-secrets.json"
sarif="$out/edge-secrets.sarif"
junit="$out/edge-secrets.junit.xml"
rm -f "$report" "$sarif" "$junit"
github_output="${GITHUB_OUTPUT:-/dev/null}"

if [ -n "${INPUT_COMMAND:-}" ]; then
  read -r -a es <<< "$INPUT_COMMAND"
else
  npm install --no-audit --no-fund --silent --prefix "$out/cli" "edge-secrets@${INPUT_VERSION:-latest}" >&2
  es=("$out/cli/node_modules/.bin/edge-secrets")
fi

# Lists are split on white space, and not globbed: a manifest path is passed as written.
set -f
args=(doctor --format json --output "$report" --fail-on "${INPUT_FAIL_ON:-fail}")
[ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
[ "${INPUT_OFFLINE:-true}" != "true" ] || args+=(--offline)
for m in ${INPUT_MANIFESTS:-}; do args+=(--manifests "$m"); done
for p in ${INPUT_PROVIDERS:-}; do args+=(--provider "$p"); done
# A label value may not hold a comma (--label splits on it).
[ -z "${INPUT_LABEL:-}" ] || args+=(--label "ci-job=${INPUT_LABEL//,/ }")
read -r -a extra <<< "${INPUT_ARGS:-}"
set +f

set +e
"${es[@]}" "${args[@]}" "${extra[@]}"
code=$?
set -e
echo "exit-code=$code" >> "$github_output"

# Exit 2 (bad flag or config) leaves no report: there is nothing to upload, and the job fails with the line
# the doctor printed.
if [ -s "$report" ]; then
  "${es[@]}" report show "$report" --format sarif --output "$sarif"
  "${es[@]}" report show "$report" --format junit --output "$junit"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    "${es[@]}" report show "$report" --format markdown >> "$GITHUB_STEP_SUMMARY"
  fi
  { echo "report=$report"; echo "sarif=$sarif"; echo "junit=$junit"; } >> "$github_output"
fi
exit 0
