from freezegun import freeze_time

from odoo.tests import Form, tagged

from ..edi import read_999, validate
from .claim_common import MedicalEdiClaimCommon, segments


@freeze_time("2026-03-10")
@tagged("post_install", "-at_install")
class TestClaimSend(MedicalEdiClaimCommon):
    """Sending electronic claims writes the batch's 837P file, checked by pyx12."""

    def _segment(self, text, prefix):
        return [segment for segment in segments(text) if segment.startswith(prefix)]

    def test_send_writes_a_valid_837p(self):
        visit = self._billable_charge() | self._billable_charge(self.code_exercise, units=2)
        claims, batch = self._send(visit)

        text = self._document(batch)
        self.assertEqual([str(issue) for issue in validate(text)], [])
        self.assertRecordValues(batch, [{
            "submission": "electronic", "edi_usage": "test",
            "transaction_set_control_numbers": "0001",
        }])
        self.assertTrue(batch.interchange_control_number and batch.group_control_number)
        self.assertRecordValues(batch.attachment_id, [{
            "name": f"{batch.name.replace('/', '_')}.x12", "mimetype": "text/plain",
            "res_model": "medical.claim.batch", "res_id": batch.id,
        }])
        self.assertRecordValues(claims, [{"state": "submitted", "edi_transaction_set": "0001"}])
        self.assertEqual(claims.event_ids.filtered(lambda e: e.kind == "submitted").attachment_id,
                         batch.attachment_id)
        # The envelope: the company's ids and the control numbers of the batch.
        isa = segments(text)[0].split("*")
        self.assertEqual([element.strip() for element in isa[5:9]],
                         ["ZZ", "HEALTHYSPINE", "ZZ", "BESTCLEARING"])
        self.assertEqual((isa[13], isa[15]), (f"{batch.interchange_control_number:09d}", "T"))
        self.assertEqual(self._segment(text, "GS*")[0].split("*")[6],
                         str(batch.group_control_number))
        self.assertEqual(self._segment(text, "ST*"), ["ST*837*0001*005010X222A1"])
        # The claim: CLM01 is the claim number; who, for whom, what and why.
        self.assertEqual(self._segment(text, "CLM*"), [f"CLM*{claims.name}*279***11:B:1*Y*A*Y*Y"])
        for expected in [
            "NM1*41*2*Healthy Spine Clinic*****46*SUB01",
            "PER*IC*Jane Roe*TE*2175550100",
            "NM1*40*2*Best Clearinghouse*****46*CH12345",
            "PRV*BI*PXC*111N00000X",
            "NM1*85*2*HEALTHY SPINE CLINIC*****XX*1245319599",
            "N4*SPRINGFIELD*IL*62701",
            "REF*EI*371234567",
            "SBR*P*18*******CI",
            f"NM1*IL*1*ALVAREZ*MARIA****MI*M-{self.payer_primary.id}",
            "N3*9 ELM ST",
            "DMG*D8*19820417*F",
            "NM1*PR*2*BLUE HARBOR HEALTH*****PI*BHH01",
            "HI*ABK:M6280*ABF:M6281*ABF:M6282*ABF:M6283*ABF:M6284",
            "NM1*82*1*SMITH*JANE****XX*1234567893",
            "SV1*HC:98941*79*UN*1***1:2:3:4",
            "SV1*HC:97110*200*UN*2***1:2:3:4",
            "DTP*472*D8*20260302",
            f"REF*6R*{claims.name}-1",
            f"REF*6R*{claims.name}-2",
        ]:
            self.assertIn(expected, segments(text))

    def test_each_batch_takes_the_next_control_numbers(self):
        __, first = self._send(self._billable_charge())
        __, second = self._send(self._billable_charge(date="2026-03-04"))

        self.assertEqual(second.interchange_control_number, first.interchange_control_number + 1)
        self.assertEqual(second.group_control_number, first.group_control_number + 1)
        isa = segments(self._document(second))[0].split("*")
        self.assertEqual(isa[13], f"{second.interchange_control_number:09d}")
        # Each company has its own sequences, made when it first sends.
        sequences = self.env["ir.sequence"].search([
            ("code", "in", ("medical.edi.interchange", "medical.edi.group")),
            ("company_id", "=", self.company.id),
        ])
        self.assertEqual(len(sequences), 2)

    def test_secondary_claim_carries_the_primary_payment_and_adjustments(self):
        self.payer_secondary.payer_submission = "electronic"
        self.policy_primary.copay_amount = 30.0
        charge = self._billable_charge()  # 79.00: 30.00 copay, 49.00 the primary's
        primary, __ = self._send(charge)
        eob = self._eob(charge, 30.0, [("CO", "45", 10.0), ("PR", "2", 9.0)])
        eob.action_post()

        secondary = self._claims_for(charge, payer_role="secondary")
        secondary.with_user(self.biller).action_send()

        text = self._document(secondary.batch_id)
        self.assertEqual([str(issue) for issue in validate(text)], [])
        self.assertEqual(self._segment(text, "SBR*"), [
            "SBR*S*18*******CI",  # billed to the secondary
            "SBR*P*18*******CI",  # the primary, in the other subscriber loop (2320)
        ])
        segs = segments(text)
        self.assertIn(f"CLM*{secondary.name}*79***11:B:1*Y*A*Y*Y", segs)
        for expected in [
            "AMT*D*30", "AMT*EAF*39", "OI***Y*P**Y",
            f"NM1*IL*1*ALVAREZ*MARIA****MI*M-{self.payer_primary.id}",
            "NM1*PR*2*BLUE HARBOR HEALTH*****PI*BHH01",
            f"DTP*573*D8*{eob.date:%Y%m%d}",
            "SVD*BHH01*30*HC:98941**1",
            "CAS*CO*45*10",
            "CAS*PR*2*9**3*30",
            "NM1*PR*2*EVERGREEN MUTUAL*****PI*EVM01",
        ]:
            self.assertIn(expected, segs)
        self.assertEqual(self._segment(text, "AMT*EAF"), ["AMT*EAF*39", "AMT*EAF*39"])
        self.assertEqual(primary.state, "paid")  # the primary owes nothing more
        self.assertEqual(secondary.state, "submitted")

    def test_secondary_waits_for_the_primary_answer(self):
        self.payer_secondary.payer_submission = "electronic"
        charge = self._billable_charge()
        self._send(charge)
        # The biller moves 20.00 to the secondary before any EOB of the primary: the
        # secondary's 837P must carry the primary's adjudication, which does not exist yet.
        problems = self.env["medical.claim.create"]._edi_prior_payer_problems(charge, "secondary")
        self.assertEqual(problems, [
            "The primary payer Blue Harbor Health has not answered yet (no posted EOB for the "
            "charge)",
        ])

    def test_missing_settings_refuse_and_nothing_is_submitted(self):
        self.company.write({"medical_edi_submitter_id": False, "medical_edi_isa_receiver_id": " "})
        claims = self._claims_for(self._billable_charge())
        batches = self.env["medical.claim.batch"].search_count([])

        with self.assertRefused(
                r"fill in Submitter ID, ISA Receiver ID in Medical Billing > "
                r"Configuration > Settings \(Electronic Claims\)\. Nothing was sent\."):
            claims.with_user(self.front_desk).action_send()
        self.assertRecordValues(claims, [{"state": "draft", "batch_id": False}])
        self.assertEqual(claims.event_ids.mapped("kind"), ["created"])
        self.assertEqual(self.env["medical.claim.batch"].search_count([]), batches)

    def test_billing_manager_fills_in_the_clearinghouse_settings(self):
        self.company.write({"medical_edi_submitter_id": False,
                            "medical_edi_isa_receiver_id": False})
        with Form(self.env["medical.billing.settings"].with_user(self.billing_manager)) \
                as settings:
            self.assertEqual(settings.medical_edi_receiver_id, "CH12345")
            settings.medical_edi_submitter_id = "SUB77"
            settings.medical_edi_isa_receiver_qualifier = "30"
            settings.medical_edi_isa_receiver_id = "BESTCLEARING"
        settings.record.action_save()
        self.assertRecordValues(self.company, [{
            "medical_edi_submitter_id": "SUB77", "medical_edi_isa_receiver_qualifier": "30",
            "medical_edi_isa_receiver_id": "BESTCLEARING",
        }])
        __, batch = self._send(self._billable_charge())
        self.assertIn("*30*BESTCLEARING   *", self._document(batch))
        self.assertIn("NM1*41*2*Healthy Spine Clinic*****46*SUB77", self._document(batch))

    def test_invalid_claim_is_refused_with_the_validator_message(self):
        self.policy_primary.member_number = "M" * 81  # NM109 holds 80 characters
        claims = self._claims_for(self._billable_charge())

        with self.assertRefused(
                rf"does not pass the implementation guide's checks \(pyx12\), so nothing was "
                rf"sent:\n- claim {claims.name}: segment NM1 at position \d+ \(segment \d+ of "
                rf"its transaction set\), element NM109: .*too long"):
            claims.with_user(self.front_desk).action_send()
        self.assertRecordValues(claims, [{"state": "draft", "batch_id": False}])
        self.assertFalse(claims.event_ids.filtered(lambda event: event.kind == "submitted"))

    def test_data_changed_since_the_claim_was_made_is_refused_in_words(self):
        claims = self._claims_for(self._billable_charge())
        self.patient.write({"birthdate": False, "zip": False})

        with self.assertRefused(
                rf"- {claims.name}: Patient Maria Alvarez has no date of birth; Patient Maria "
                rf"Alvarez's address has no ZIP"):
            claims.with_user(self.front_desk).action_send()
        self.assertEqual(claims.state, "draft")

    def test_claim_problems_name_what_an_837p_needs(self):
        self.patient.write({"birthdate": False, "sex": False, "street": False})
        self.billing_provider.partner_id = self.env["res.partner"].create(
            {"name": "Billing Office"})
        charge = self._billable_charge()

        wizard = self.env["medical.claim.create"].with_user(self.front_desk).with_context(
            active_model="medical.charge", active_ids=charge.ids).create({})
        self.assertEqual(wizard.problem_ids.mapped("problem"), [
            "Patient Maria Alvarez has no date of birth; Patient Maria Alvarez has no sex "
            "(female, male or unknown); Patient Maria Alvarez's address has no street; "
            "Billing provider Healthy Spine Clinic's address has no street, city, state, ZIP",
        ])
        # A paper payer needs none of it.
        self.payer_primary.payer_submission = "paper"
        wizard = self.env["medical.claim.create"].with_context(
            active_model="medical.charge", active_ids=charge.ids).create({})
        self.assertFalse(wizard.problem_ids)
        self.assertEqual(wizard.claim_count, 1)

    def test_charges_of_two_rendering_providers_make_two_electronic_claims(self):
        other = self.env["medical.provider"].create({
            "name": "Tom Baker", "npi": "1003000126", "is_treating": True})
        charges = self._billable_charge() | self._billable_charge(self.code_exercise)
        charges[1].treating_provider_id = other  # editable once posted

        claims = self._claims_for(charges)
        self.assertEqual(len(claims), 2)
        self.assertEqual({claim.line_ids.rendering_provider_id for claim in claims},
                         {self.provider, other})

    def test_the_file_answers_to_its_999(self):
        """The 999 written by these tests reads back to this batch's numbers."""
        claims, batch = self._send(self._billable_charge())
        [ack] = read_999(self._999(batch))
        self.assertEqual(ack.group_control_number, str(batch.group_control_number))
        self.assertEqual([s.control_number for s in ack.transaction_sets], ["0001"])
        self.assertEqual(claims.edi_transaction_set, "0001")
