from odoo.tools.sql import SQL

from . import models
from . import reports
from . import wizards
from .models.account_move import JOURNAL_DATE_INDEX


def uninstall_hook(env):
    """Drop the index that account.move.init adds to Odoo's entries table."""
    env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(JOURNAL_DATE_INDEX)))
