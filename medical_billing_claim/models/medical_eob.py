from collections import defaultdict

from odoo import _, models


class MedicalEob(models.Model):
    _inherit = "medical.eob"

    def action_post(self):
        result = super().action_post()
        self._record_claim_payments()
        return result

    def _record_claim_payments(self):
        """A payment event on each active claim of the payer whose charges these EOBs
        answer: paid when the payer owes nothing more on the claim, partly paid when it
        still does, denied when it paid and adjusted nothing."""
        Event = self.env["medical.claim.event"]
        for eob in self:
            claims_by_share = defaultdict(lambda: self.env["medical.claim"])
            for claim_line in self.env["medical.claim"]._active_claim_lines(eob.line_ids.charge_id):
                if claim_line.claim_id.payer_id == eob.payer_id:
                    claims_by_share[claim_line.charge_id, claim_line.payer_role] |= \
                        claim_line.claim_id
            lines_by_claim = defaultdict(lambda: self.env["medical.eob.line"])
            for eob_line in eob.line_ids:
                for claim in claims_by_share[eob_line.charge_id, eob_line.role]:
                    lines_by_claim[claim] |= eob_line
            for claim, eob_lines in lines_by_claim.items():
                currency = claim.currency_id
                paid = sum(eob_lines.mapped("paid"))
                denied = currency.is_zero(paid) and not eob_lines.adjustment_ids
                state = "denied" if denied else (
                    "paid" if currency.is_zero(claim.amount_due) else "partial")
                message = _("%(eob)s of %(date)s: denied, nothing paid.",
                            eob=eob.name, date=eob.date) if denied else _(
                    "%(eob)s of %(date)s: paid %(paid)s, %(payer)s still owes %(due)s.",
                    eob=eob.name, date=eob.date, paid=currency.format(paid),
                    payer=eob.payer_id.name, due=currency.format(claim.amount_due))
                Event._record(claim, "payment", claim_state=state, level="payer",
                              eob_id=eob.id, message=message)

    def _delete(self, reason):
        result = super()._delete(reason)
        self._record_claim_payments_deleted(reason)
        return result

    def _record_claim_payments_deleted(self, reason):
        """The claims a deleted EOB had paid wait for the payer again: a "payment deleted"
        event puts each back in the state it had before that payment."""
        Event = self.env["medical.claim.event"]
        for event in Event.search([("eob_id", "in", self.ids), ("kind", "=", "payment")]):
            before = event.claim_id.event_ids.filtered(
                lambda earlier, event=event: earlier.claim_state and earlier.kind != "payment"
                and (earlier.date, earlier.id) < (event.date, event.id)
            ).sorted(lambda earlier: (earlier.date, earlier.id))[-1:]
            Event._record(event.claim_id, "payment_deleted", eob_id=event.eob_id.id,
                          claim_state=before.claim_state or "submitted", message=_(
                              "%(eob)s deleted: %(reason)s", eob=event.eob_id.name,
                              reason=reason))

