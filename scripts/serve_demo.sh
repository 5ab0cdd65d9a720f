#!/usr/bin/env bash
# Serves a demo database with the addons of the repository (not its test modules) on http://localhost:8069.
# The database (default medical_billing_demo, or DB=...) is created with demo data on the
# first run and reused afterwards. Log in as admin / admin.
set -euo pipefail
source "$(dirname "$0")/_odoo_env.sh"
DB=${DB:-medical_billing_demo}
PORT=${PORT:-8069}

exists=$("$PYTHON" - "$DB" <<'PY'
import sys, psycopg2
with psycopg2.connect(dbname="postgres") as conn, conn.cursor() as cr:
    cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[1]])
    print("yes" if cr.fetchone() else "no")
PY
)
if [ "$exists" = no ]; then
    echo "Creating $DB with demo data (a few minutes)..."
    odoo -d "$DB" -i "$PRODUCT_ADDONS" --stop-after-init
fi
echo "Serving $DB on http://localhost:$PORT (admin / admin)"
exec "$PYTHON" -m odoo --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT"
