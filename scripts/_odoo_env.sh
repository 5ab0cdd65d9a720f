# Sourced by the scripts in this folder: finds Odoo 18 and PostgreSQL or stops with a
# message that says what is missing. Nothing here installs Odoo.
#
# Odoo is found, in this order:
#   1. ODOO_PATH: an Odoo 18 source tree (the folder holding odoo-bin and the odoo package);
#   2. the `odoo` package importable by $PYTHON (pip install, .pth file or distribution package).
# PostgreSQL is reached the way Odoo reaches it: PGHOST, PGPORT, PGUSER, PGPASSWORD or the
# local socket.

PYTHON=${PYTHON:-python3}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die() {
    echo "ERROR: $*" >&2
    exit 2
}

if [ -n "${ODOO_PATH:-}" ]; then
    [ -d "$ODOO_PATH/odoo" ] || die "ODOO_PATH=$ODOO_PATH holds no 'odoo' package; point it at an Odoo 18 source tree."
    export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
fi

ODOO_VERSION=$("$PYTHON" -c "import odoo.release as r; print(r.version)" 2>/dev/null) \
    || die "Odoo is not installed: '$PYTHON -c \"import odoo\"' fails. Install Odoo 18.0 (with its requirements.txt) and set ODOO_PATH to its source tree, or make 'odoo' importable."
case "$ODOO_VERSION" in
    18.0*) ;;
    *) die "Odoo $ODOO_VERSION found; these addons need Odoo 18.0." ;;
esac

ODOO_ROOT=$("$PYTHON" -c "import os, odoo; print(os.path.dirname(os.path.dirname(odoo.__file__)))")
ADDONS_PATH="$ODOO_ROOT/odoo/addons"
[ -d "$ODOO_ROOT/addons" ] && ADDONS_PATH="$ODOO_ROOT/addons,$ADDONS_PATH"
ADDONS_PATH="$ADDONS_PATH,$REPO_ROOT"
export ADDONS_PATH

"$PYTHON" - <<'PY' || die "PostgreSQL is not reachable (checked with psycopg2 and the PG* variables or the local socket). Start PostgreSQL and give this user a role that can create databases."
import psycopg2
psycopg2.connect(dbname="postgres").close()
PY

# Every addon of the repository: the folders holding a manifest.
REPO_ADDONS=$(cd "$REPO_ROOT" && ls -d */__manifest__.py | cut -d/ -f1 | paste -sd, -)
# The product's addons: every one but the test modules (named *_test), which the tests
# install beside them.
PRODUCT_ADDONS=$(echo "$REPO_ADDONS" | tr , '\n' | grep -v '_test$' | paste -sd, -)
export REPO_ADDONS PRODUCT_ADDONS

odoo() {
    "$PYTHON" -m odoo --addons-path="$ADDONS_PATH" "$@"
}
