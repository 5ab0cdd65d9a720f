from odoo import _, fields, models
from odoo.exceptions import UserError


class MedicalConfirmOnceMixin(models.AbstractModel):
    """A money wizard confirmed once: a double click sends its action twice, on the same
    saved wizard record, and each request would post the money again."""

    _name = "medical.confirm.once.mixin"
    _description = "Wizard Confirmed Once"

    done = fields.Boolean(readonly=True, copy=False)

    def _check_not_done(self):
        """Mark the wizard confirmed, or refuse if it already is. Call it first in the
        action: the flag is written at once, so a second request running at the same time
        waits for this one and then fails to write it (and is retried, and refused)."""
        self.ensure_one()
        if self.done:
            raise UserError(_(
                "This was already confirmed (the button was pressed twice): it was posted "
                "once, and nothing more was posted now. Close this dialog and reload the "
                "page to see the result."
            ))
        self.done = True
        self.flush_recordset(["done"])
