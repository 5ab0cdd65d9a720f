from odoo import fields, models

PARTY_ROLES = [
    ("patient", "Patient"),
    ("primary", "Primary"),
    ("secondary", "Secondary"),
    ("tertiary", "Tertiary"),
]
PAYER_ROLES = ("primary", "secondary", "tertiary")

# What a billing journal item records. Responsibility is the sum of the receivable items
# of the kinds that assign it (the charge itself and moves between parties); a reversal
# mirrors each item with the item's own kind.
ENTRY_KINDS = [
    ("charge", "Charge"),
    ("responsibility", "Responsibility Change"),
    ("write_off", "Write-off"),
    ("payment", "Payment"),
]
RESPONSIBILITY_KINDS = ("charge", "responsibility")


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    medical_charge_id = fields.Many2one(
        "medical.charge", index="btree_not_null", copy=False,
        readonly=True,
    )
    medical_party_role = fields.Selection(
        PARTY_ROLES, string="Responsible Party", readonly=True, copy=False,
        help="Set on the receivable items of a charge: whose share of the charge this is.",
    )
    medical_entry_kind = fields.Selection(ENTRY_KINDS, readonly=True, copy=False)
    medical_write_off_reason_id = fields.Many2one(
        "medical.write.off.reason", string="Write-off Reason", readonly=True, copy=False,
    )

    def _medical_residual_by(self, groupby, domain):
        """Open amount of posted billing receivables, summed per value of ``groupby``."""
        return dict(self._read_group(
            [*domain, ("parent_state", "=", "posted"), ("medical_party_role", "!=", False)],
            [groupby], ["amount_residual:sum"],
        ))
