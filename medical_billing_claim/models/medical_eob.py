from collections import defaultdict

from odoo import _, models


class MedicalEob(models.Model):
    _inherit = "medical.eob"

    def _set_posted(self, move):
        result = super()._set_posted(move)
        self._record_claim_payments()
        return result

    def _record_claim_payments(self):
        """A payment event on each active claim of the payer whose charges these EOBs
        answer: paid when the payer owes nothing more on the claim, partly paid when it
        still does, denied when it paid and adjusted nothing."""
        claims_by_share = defaultdict(lambda: self.env["medical.claim"])
        for claim_line in self.env["medical.claim"]._active_claim_lines(self.line_ids.charge_id):
            claim = claim_line.claim_id
            claims_by_share[claim_line.charge_id, claim_line.payer_role, claim.payer_id] |= claim
        vals_list = []
        for eob in self:
            lines_by_claim = defaultdict(lambda: self.env["medical.eob.line"])
            for eob_line in eob.line_ids:
                for claim in claims_by_share[eob_line.charge_id, eob_line.role, eob.payer_id]:
                    lines_by_claim[claim] |= eob_line
            vals_list += [{
                "claim_id": claim.id, "kind": "payment", "level": "payer", "eob_id": eob.id,
                **eob._claim_payment_outcome(claim, eob_lines),
            } for claim, eob_lines in lines_by_claim.items()]
        self.env["medical.claim.event"].create(vals_list)

    def _claim_payment_outcome(self, claim, eob_lines):
        """{claim_state, message} of the payment event these EOB lines make on ``claim``."""
        self.ensure_one()
        currency = claim.currency_id
        paid = sum(eob_lines.mapped("paid"))
        codes = ", ".join(
            f"{adjustment.group_code}-{adjustment.reason_code}"
            + (f" ({adjustment.description})" if adjustment.description else "")
            for adjustment in eob_lines.adjustment_ids)
        if self.reversed_eob_id:
            reversed_event = claim.event_ids.filtered(
                lambda event: event.kind == "payment" and event.eob_id == self.reversed_eob_id)
            return {
                "claim_state": _state_before(reversed_event[:1]) or claim.state,
                "message": _("%(eob)s of %(date)s: the payer reversed %(reversed)s, taking "
                             "back %(paid)s; %(payer)s owes %(due)s again.",
                             eob=self.name, date=self.date, reversed=self.reversed_eob_id.name,
                             paid=currency.format(-paid), payer=self.payer_id.name,
                             due=currency.format(claim.amount_due)),
            }
        if currency.is_zero(paid) and not eob_lines.adjustment_ids._posted():
            return {
                "claim_state": "denied",
                "message": _("%(eob)s of %(date)s: denied, nothing paid.",
                             eob=self.name, date=self.date)
                + (" " + _("Reasons: %(codes)s.", codes=codes) if codes else ""),
            }
        return {
            "claim_state": "paid" if currency.is_zero(claim.amount_due) else "partial",
            "message": _("%(eob)s of %(date)s: paid %(paid)s, %(payer)s still owes %(due)s.",
                         eob=self.name, date=self.date, paid=currency.format(paid),
                         payer=self.payer_id.name, due=currency.format(claim.amount_due)),
        }

    def _set_deleted(self, reason):
        result = super()._set_deleted(reason)
        self._record_claim_payments_deleted(reason)
        return result

    def _record_claim_payments_deleted(self, reason):
        """The claims a deleted EOB had paid wait for the payer again: a "payment deleted"
        event puts each back in the state it had before that payment."""
        Event = self.env["medical.claim.event"]
        for event in Event.search([("eob_id", "in", self.ids), ("kind", "=", "payment")]):
            Event._record(event.claim_id, "payment_deleted", eob_id=event.eob_id.id,
                          claim_state=_state_before(event) or "submitted", message=_(
                              "%(eob)s deleted: %(reason)s", eob=event.eob_id.name,
                              reason=reason))


def _state_before(event):
    """The state the claim of ``event`` had before it (not counting payments)."""
    before = event.claim_id.event_ids.filtered(
        lambda earlier: earlier.claim_state and earlier.kind != "payment"
        and (earlier.date, earlier.id) < (event.date, event.id)
    ).sorted(lambda earlier: (earlier.date, earlier.id))[-1:]
    return before.claim_state
