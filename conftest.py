"""pytest settings shared by every addon's tests (run through pytest-odoo)."""
import freezegun

from odoo.tools import config

# Tests freeze the clock; pytest's own timer must keep the real one.
freezegun.configure(extend_ignore_list=["_pytest"])

# Odoo's test framework logs an error when it is imported outside test mode, and
# pytest-odoo imports it before any test runs. Import it here in test mode; test mode
# stays off otherwise, so that loading the registry does not start Odoo's own runner
# (pytest-odoo turns it on around each test module).
config["test_enable"] = True
import odoo.tests  # noqa: E402, F401, I001

config["test_enable"] = False
