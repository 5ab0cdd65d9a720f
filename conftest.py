"""pytest settings shared by every addon's tests (run through pytest-odoo)."""
import freezegun
import pytest

# Tests freeze the clock; pytest's own timer must keep the real one.
freezegun.configure(extend_ignore_list=["_pytest"])


@pytest.hookimpl(hookwrapper=True)
def pytest_collection(session):
    """Collecting imports the test modules, hence Odoo's test framework, which logs an
    error unless Odoo is in test mode. Test mode only for the collection: pytest-odoo
    loads the registry after it with test mode off, so that Odoo's own runner does not
    start the post-install tests of every installed module."""
    from odoo.tools import config

    previous = config["test_enable"]
    config["test_enable"] = True
    yield
    config["test_enable"] = previous
