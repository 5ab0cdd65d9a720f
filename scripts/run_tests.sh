#!/usr/bin/env bash
# Runs every check of the repository: lint, then each addon installed in throwaway
# databases (with and without demo data), then every test through pytest-odoo.
# The last line is pytest's summary. Exits non-zero when anything fails, or when Odoo or
# PostgreSQL is missing.
set -euo pipefail
source "$(dirname "$0")/_odoo_env.sh"
cd "$REPO_ROOT"

if [ "${SKIP_PIP:-0}" != 1 ]; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        -r requirements.txt \
        || die "Installing requirements.txt failed."
fi

echo "== Lint"
"$PYTHON" -m ruff check .
# The house style translates with _("...", name=value), as Odoo 18 core still does;
# an addon is described by its readme/ fragments and static/description, not a README.rst.
"$PYTHON" -m pylint --rcfile=.pylintrc --disable=prefer-env-translation,missing-readme \
    --output-format=parseable --score=n $(echo "$REPO_ADDONS" | tr , ' ')

RUN_ID="$(date +%s)_$$"
DB_DEMO="mb_ci_demo_$RUN_ID"
DB_TEST="mb_ci_test_$RUN_ID"
LOG_DIR=$(mktemp -d)
cleanup() {
    for db in "$DB_DEMO" "$DB_TEST"; do
        "$PYTHON" - "$db" >/dev/null 2>&1 <<'PY' || true
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
conn.cursor().execute(f'DROP DATABASE IF EXISTS "{sys.argv[1]}"')
PY
    done
    rm -rf "$LOG_DIR"
}
trap cleanup EXIT

# Odoo's log lines that are not INFO/DEBUG: each one fails the run.
check_log() {
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1"; then
        echo "FAILED: the server log above has warnings or errors ($2)." >&2
        exit 1
    fi
}

echo "== Install $REPO_ADDONS with demo data"
odoo -d "$DB_DEMO" -i "$REPO_ADDONS" --stop-after-init --log-level=info \
    >"$LOG_DIR/demo.log" 2>&1 || { tail -50 "$LOG_DIR/demo.log"; die "Install with demo data failed."; }
check_log "$LOG_DIR/demo.log" "install with demo data"

echo "== Install $REPO_ADDONS without demo data"
odoo -d "$DB_TEST" -i "$REPO_ADDONS" --without-demo=all --stop-after-init --log-level=info \
    >"$LOG_DIR/test.log" 2>&1 || { tail -50 "$LOG_DIR/test.log"; die "Install without demo data failed."; }
check_log "$LOG_DIR/test.log" "install without demo data"

echo "== Tests"
set +e
"$PYTHON" -m pytest -p no:cacheprovider --odoo-database="$DB_TEST" \
    --odoo-addons-path="$ADDONS_PATH" --odoo-log-level=warn --odoo-http \
    $(echo "$REPO_ADDONS" | tr , ' ') 2>&1 | tee "$LOG_DIR/pytest.log"
status=${PIPESTATUS[0]}
set -e
if grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$LOG_DIR/pytest.log"; then
    echo "FAILED: the server log printed warnings or errors during the tests." >&2
    exit 1
fi
case $status in
    0) exit 0 ;;
    5) echo "FAILED: pytest collected no test." >&2; exit 1 ;;
    *) exit "$status" ;;
esac
