"""pytest settings shared by every addon's tests (run through pytest-odoo)."""
import freezegun

# Tests freeze the clock; pytest's own timer must keep the real one.
freezegun.configure(extend_ignore_list=["_pytest"])
