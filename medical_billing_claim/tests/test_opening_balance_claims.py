import base64

from odoo.tests import Form, tagged

from .common import MedicalClaimCommon

OPENING_FILE = """patient,date_of_birth,date_of_service,payer_id,amount
Maria Alvarez,1982-04-17,2026-02-10,,40.00
Maria Alvarez,1982-04-17,2026-02-10,BHH01,120.00
Maria Alvarez,1982-04-17,2026-03-05,EVM01,35.50
"""


@tagged("post_install", "-at_install")
class TestOpeningBalanceClaims(MedicalClaimCommon):
    """What payers owed in the former system is followed up as claims already sent there:
    Balances Due You lists it, Ready to Bill does not."""

    def test_payer_opening_balances_are_sent_claims(self):
        with Form(self.env["medical.opening.balance"].with_user(self.billing_manager)) \
                as form:
            form.date = "2026-04-01"
            form.file = base64.b64encode(OPENING_FILE.encode())
        batch = form.record
        batch.action_check()
        batch.action_post()
        charges = batch.line_ids.charge_id
        claims = self.env["medical.claim"].search([("line_ids.charge_id", "in", charges.ids)])
        self.assertEqual(sorted(claims.mapped("amount_due")), [35.5, 120.0])
        self.assertEqual(set(claims.mapped("state")), {"submitted"})
        self.assertEqual(claims.payer_id, self.payer_primary | self.payer_secondary)
        self.assertIn("former system", claims.event_ids.filtered(
            lambda event: event.kind == "submitted")[:1].message)
        due = self.env["medical.balance.due"].search([("claim_id", "in", claims.ids)])
        self.assertEqual(sorted(due.mapped("balance")), [35.5, 120.0])
        client = self.env["medical.balance.due"].search([("charge_id", "in", charges.ids),
                                                         ("kind", "=", "client")])
        self.assertEqual(client.mapped("balance"), [40.0])
        self.assertFalse(charges.filtered("claim_ready"), "Not billed a second time.")
        self.assertTieOut()
