from odoo import _, models
from odoo.exceptions import UserError


class MedicalRemittance(models.Model):
    _inherit = "medical.remittance"

    def _delete(self, reason):
        # Its claims still posting in the background would post onto a deleted payment.
        posting = self.env["medical.era"].sudo().search(
            [("remittance_id", "in", self.ids), ("state", "=", "posting")], limit=1)
        if posting:
            raise UserError(_(
                "The claims of %(era)s are still posting in the background: delete its "
                "payment once they have all posted.", era=posting.name))
        return super()._delete(reason)
