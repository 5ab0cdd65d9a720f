from . import test_statement, test_statement_portal
