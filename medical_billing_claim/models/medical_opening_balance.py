from odoo import _, models


class MedicalOpeningBalance(models.Model):
    _inherit = "medical.opening.balance"

    def action_post(self):
        result = super().action_post()
        self._record_opening_claims()
        return result

    def _record_opening_claims(self):
        """The payers' opening balances were billed by the former system: one claim per
        opening charge and payer, marked sent there, so that Balances Due You follows them
        up and nothing bills them again."""
        self.ensure_one()
        provider = self.env["medical.provider"].search(
            [("is_billing", "=", True), ("company_id", "in", [self.company_id.id, False])],
            limit=1)
        charges = self.line_ids.filtered("policy_id").charge_id
        if not charges:
            return
        if not provider:
            self.message_post(body=_(
                "No billing provider is set up: the payers' opening balances have no claim, "
                "and Balances Due You does not list them. Add the billing provider, then "
                "create their claims from the charges."))
            return
        groups = [
            (charge.case_id, role, policy, provider, policy.payer_id.payer_submission, charge)
            for charge in charges
            for role, policy in charge.case_id._policies_by_role(charge.date_service).items()
            if self.currency_id.compare_amounts(charge[f"{role}_due"], 0) > 0
        ]
        claims = self.env["medical.claim.create"]._create_claims(groups)
        self.env["medical.claim.event"]._record(claims, "submitted", message=_(
            "Billed in the former system; brought over with the opening balances (%(batch)s).",
            batch=self.name))
