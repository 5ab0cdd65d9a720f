from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.addons.medical_billing.models.medical_posted_guard import billing_operation
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MedicalClaimCommon

REPORT = "medical_billing_claim.action_report_cms1500"


@freeze_time("2026-03-25")
@tagged("post_install", "-at_install")
class TestCms1500(MedicalClaimCommon):
    """The printed CMS-1500: what each box shows, read from the rendered form as a biller
    prints it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.referrer = cls.env["medical.provider"].create({
            "name": "Robert Brown MD", "npi": "9876543213", "is_referring": True,
            "is_treating": False,
        })
        cls.case.referring_provider_id = cls.referrer
        cls.modifier_25 = cls._modifier("25", "Significant, separately identifiable E/M service")
        cls.modifier_59 = cls._modifier("59", "Distinct procedural service")
        cls.patient.phone = "(217) 555-0142"
        cls.spouse = cls.env["res.partner"].create({
            "name": "John Alvarez", "birthdate": "1980-11-03", "sex": "male",
            "street": "77 Oak Ave", "city": "Peoria", "zip": "61602",
            "state_id": cls.env.ref("base.state_us_14").id, "phone": "309-555-0199",
        })
        cls.policy_primary.group_number = "GRP-100"
        cls.policy_secondary.write({
            "subscriber_relationship": "01", "subscriber_id": cls.spouse.id,
        })
        cls.payer_secondary.claim_filing_indicator = "MC"

    # ------------------------------------------------------------------ helpers

    def _visit(self):
        """Two posted charges of the case: an adjustment with modifiers 25 and 59 on the
        first four diagnoses, and two units of exercise on diagnoses C and E."""
        adjustment = self._billable_charge(
            self.code_adjustment, modifier1_id=self.modifier_25.id,
            modifier2_id=self.modifier_59.id,
        )
        diagnoses = self.case.diagnosis_ids
        exercise = self._billable_charge(
            self.code_exercise, units=2.0,
            diagnosis_ids=[Command.set((diagnoses[2] | diagnoses[4]).ids)],
        )
        return adjustment | exercise

    def _render(self, claims, layout=None):
        content, __ = self.env["ir.actions.report"].with_user(self.biller)._render_qweb_html(
            REPORT, claims.ids, data={"layout": layout} if layout else None,
        )
        return html.fromstring(content)

    def _pages(self, root):
        return root.xpath("//div[contains(concat(' ', @class, ' '), ' o_cms1500_page ')]")

    def _boxes(self, page):
        """{data-box: printed text} of a page."""
        return {node.get("data-box"): node.text_content() for node in page.xpath(".//*[@data-box]")}

    def _form(self, claim, layout=None):
        pages = self._pages(self._render(claim, layout))
        self.assertEqual(len(pages), 1, "A claim of up to six lines prints on one form.")
        return self._boxes(pages[0])

    def _primary_claim(self):
        charges = self._visit()
        claim = self._claims_for(charges, payer_role="primary")
        self.assertEqual(len(claim), 1)
        return claim

    # ------------------------------------------------------------------ tests

    def test_patient_insured_and_member_id_boxes(self):
        claim = self._primary_claim()
        boxes = self._form(claim)
        expected = {
            "carrier-name": "BLUE HARBOR HEALTH",
            "carrier-street": "100 INSURANCE WAY",
            "carrier-city": "HARTFORD CT 06101",
            "1-group": "X",
            "1a": self.policy_primary.member_number,
            "2": "ALVAREZ, MARIA",
            "3": "04 17 1982",
            "3-sex-f": "X",
            "4": "ALVAREZ, MARIA",
            "5-street": "9 ELM ST",
            "5-city": "SPRINGFIELD",
            "5-state": "IL",
            "5-zip": "62702",
            "5-phone-area": "217",
            "5-phone": "5550142",
            "6-self": "X",
            "7-street": "9 ELM ST",
            # The other health plan: the secondary policy, held by the spouse.
            "9": "ALVAREZ, JOHN",
            "9a": self.policy_secondary.member_number,
            "9d": "EVERGREEN MUTUAL",
            "10a-no": "X",
            "10b-no": "X",
            "10c-no": "X",
            "11": "GRP-100",
            "11a": "04 17 1982",
            "11a-sex-f": "X",
            "11c": "BLUE HARBOR HEALTH",
            "11d-yes": "X",
            "12": "SIGNATURE ON FILE",
            "13": "SIGNATURE ON FILE",
            "14": "01 01 2026",
            "14-qual": "431",
            "17-qual": "DN",
            "17": "ROBERT BROWN MD",
            "17b": "9876543213",
            "20-no": "X",
        }
        self.assertEqual({box: boxes.get(box) for box in expected}, expected)
        # Unchecked options and boxes without data print nothing.
        for box in ("1-medicare", "1-other", "3-sex-m", "6-spouse", "11d-no", "10a-yes",
                    "8", "9b", "19", "22-code", "22-ref", "23", "30"):
            self.assertNotIn(box, boxes)

    def test_diagnoses_service_lines_and_total(self):
        claim = self._primary_claim()
        boxes = self._form(claim)
        self.assertEqual(boxes["21-ind"], "0")
        # The case's diagnoses in order, lettered as the lines point at them; the form
        # implies the decimal point.
        self.assertEqual([boxes.get(f"21-{letter}") for letter in "ABCDEF"],
                         ["M6280", "M6281", "M6282", "M6283", "M6284", None])
        self.assertEqual(claim.line_ids.mapped("product_id.default_code"), ["98941", "97110"])
        columns = ("24B", "24D", "24E", "24G", "24J")
        rows = [{column: boxes.get(f"{column}-{row}") for column in columns}
                for row in (1, 2, 3)]
        self.assertEqual(rows, [
            {"24B": "11", "24D": "98941", "24E": "ABCD", "24G": "1", "24J": "1234567893"},
            {"24B": "11", "24D": "97110", "24E": "CE", "24G": "2", "24J": "1234567893"},
            dict.fromkeys(columns),
        ])
        self.assertEqual(boxes["24A-1-from"], "03 02 26")
        self.assertEqual(boxes["24A-1-to"], "03 02 26")
        self.assertEqual(boxes["24D-1-mod"], "25 59")
        self.assertNotIn("24D-2-mod", boxes)
        self.assertEqual((boxes["24F-1-dollars"], boxes["24F-1-cents"]), ("79", "00"))
        self.assertEqual((boxes["24F-2-dollars"], boxes["24F-2-cents"]), ("200", "00"))
        self.assertAlmostEqual(claim.amount_total, 279.0)
        self.assertEqual((boxes["28-dollars"], boxes["28-cents"]), ("279", "00"))
        # Nothing was paid before the primary payer: box 29 stays empty.
        self.assertNotIn("29-dollars", boxes)

    def test_billing_provider_facility_and_signature_boxes(self):
        claim = self._primary_claim()
        boxes = self._form(claim)
        expected = {
            "25": "371234567",
            "25-ein": "X",
            "26": claim.name,
            "27-yes": "X",
            "31": "JANE SMITH",
            "31-date": "03 25 26",
            "32-name": "MAIN STREET CLINIC",
            "32-street": "123 MAIN ST",
            "32-city": "SPRINGFIELD IL 62701",
            "33-name": "HEALTHY SPINE CLINIC",
            "33-street": "123 MAIN ST",
            "33-city": "SPRINGFIELD IL 62701",
            "33-phone-area": "217",
            "33-phone": "5550100",
            "33a": "1245319599",
        }
        self.assertEqual({box: boxes.get(box) for box in expected}, expected)
        # The clinic has no NPI of its own.
        self.assertNotIn("32a", boxes)
        self.assertNotIn("25-ssn", boxes)

    def test_corrected_claim_quotes_the_original_reference(self):
        claim = self._primary_claim()
        self.env["medical.claim.event"]._record(claim, "submitted")
        with billing_operation(self.env):
            claim.payer_claim_number = "ICN2026000123"
        correction = claim._rebill("correct")
        self.assertEqual(correction.frequency_code, "7")
        boxes = self._form(correction)
        self.assertEqual((boxes["22-code"], boxes["22-ref"]), ("7", "ICN2026000123"))
        # The original (frequency 1) claim shows no resubmission, even with its number.
        original = self._form(claim)
        self.assertNotIn("22-code", original)
        self.assertNotIn("22-ref", original)

    def test_secondary_claim_shows_what_the_primary_paid(self):
        charge = self._billable_charge(self.code_adjustment)
        self._claims_for(charge, payer_role="primary")
        self._eob(charge, 50.0, [("CO", "45", 9.0), ("PR", "1", 20.0)]).action_post()
        claim = self._claims_for(charge, payer_role="secondary")
        self.assertEqual(claim.payer_id, self.payer_secondary)
        self.assertAlmostEqual(claim.amount_prior_paid, 50.0)
        boxes = self._form(claim)
        expected = {
            "carrier-name": "EVERGREEN MUTUAL",
            "1-medicaid": "X",
            "1a": self.policy_secondary.member_number,
            "2": "ALVAREZ, MARIA",
            # The secondary policy is the spouse's.
            "4": "ALVAREZ, JOHN",
            "6-spouse": "X",
            "7-street": "77 OAK AVE",
            "7-city": "PEORIA",
            "7-phone-area": "309",
            "7-phone": "5550199",
            "11a": "11 03 1980",
            "11a-sex-m": "X",
            "11c": "EVERGREEN MUTUAL",
            # The other plan of a secondary claim is the primary.
            "9": "ALVAREZ, MARIA",
            "9a": self.policy_primary.member_number,
            "9d": "BLUE HARBOR HEALTH",
            "11d-yes": "X",
            "28-dollars": "79",
            "28-cents": "00",
            "29-dollars": "50",
            "29-cents": "00",
        }
        self.assertEqual({box: boxes.get(box) for box in expected}, expected)

    def test_preprinted_layout_prints_the_values_only_at_the_same_places(self):
        claim = self._primary_claim()
        plain = self._pages(self._render(claim, "plain"))[0]
        preprinted = self._pages(self._render(claim, "preprinted"))[0]
        self.assertIn("PATIENT'S NAME", plain.text_content())
        self.assertTrue(plain.xpath(".//*[contains(@class, 'o_cms_bx')]"))
        self.assertNotIn("PATIENT'S NAME", preprinted.text_content())
        self.assertNotIn("SIGNED", preprinted.text_content())
        self.assertFalse(preprinted.xpath(".//*[contains(@class, 'o_cms_form')]"))
        self.assertFalse(preprinted.xpath(".//*[contains(@class, 'o_cms_bx')]"))
        # Each value at the same place in both layouts.
        placed = {node.get("data-box"): (node.get("class"), node.text_content())
                  for node in plain.xpath(".//*[@data-box]")}
        self.assertEqual(
            {node.get("data-box"): (node.get("class"), node.text_content())
             for node in preprinted.xpath(".//*[@data-box]")},
            placed,
        )
        self.assertEqual(placed["2"], ("o_cms_v ln10 col1 wd28", "ALVAREZ, MARIA"))
        # Every text on the pre-printed layout is a value.
        words = " ".join(preprinted.xpath(".//text()[not(ancestor::style)]")).split()
        values = " ".join(node.text_content() for node in preprinted.xpath(".//*[@data-box]"))
        self.assertEqual(words, values.split())

    def test_printed_without_a_layout_follows_the_company(self):
        claim = self._primary_claim()
        self.assertIn("PATIENT'S NAME", self._pages(self._render(claim))[0].text_content())
        self.company.medical_claim_paper_layout = "preprinted"
        page = self._pages(self._render(claim))[0]
        self.assertNotIn("PATIENT'S NAME", page.text_content())
        self.assertEqual(self._boxes(page)["2"], "ALVAREZ, MARIA")
        with self.assertRaises(UserError):
            self._render(claim, "landscape")

    def test_one_page_per_claim(self):
        first = self._claims_for(self._billable_charge(self.code_adjustment),
                                 payer_role="primary")
        second = self._claims_for(
            self._billable_charge(self.code_exercise, date="2026-03-09"), payer_role="primary")
        root = self._render(first | second)
        articles = root.xpath("//div[contains(concat(' ', @class, ' '), ' article ')]")
        self.assertEqual([int(article.get("data-oe-id")) for article in articles],
                         (first | second).ids)
        pages = self._pages(root)
        self.assertEqual(len(pages), 2)
        printed = [self._boxes(page) for page in pages]
        self.assertEqual(
            [(boxes["26"], boxes["24D-1"], boxes["24A-1-from"], boxes["28-dollars"])
             for boxes in printed],
            [(first.name, "98941", "03 02 26", "79"), (second.name, "97110", "03 09 26", "100")],
        )
        self.assertNotIn("24D-2", printed[0])

    def test_claim_of_more_than_six_lines_prints_a_form_per_six_lines(self):
        """An electronic claim (up to 50 lines) printed on paper: each form totals its own
        lines."""
        charges = self.env["medical.charge"]
        for day in range(2, 9):
            charges |= self._billable_charge(self.code_adjustment, date=f"2026-03-{day:02d}")
        claim = self._claims_for(charges, payer_role="primary")
        self.assertEqual((claim.submission, len(claim.line_ids)), ("electronic", 7))
        pages = self._pages(self._render(claim))
        self.assertEqual(len(pages), 2)
        first, second = (self._boxes(page) for page in pages)
        self.assertEqual((first["24A-6-from"], first["28-dollars"]), ("03 07 26", "474"))
        self.assertEqual((second["24A-1-from"], second["28-dollars"]), ("03 08 26", "79"))
        self.assertNotIn("24A-2-from", second)
        self.assertEqual((first["26"], second["26"]), (claim.name, claim.name))

    def test_sending_a_paper_claim_prints_the_form_into_its_batch(self):
        charge = self._billable_charge(self.code_adjustment)
        self._claims_for(charge, payer_role="primary")
        self._eob(charge, 50.0, [("CO", "45", 9.0), ("PR", "1", 20.0)]).action_post()
        claim = self._claims_for(charge, payer_role="secondary")
        self.assertEqual(claim.submission, "paper")
        claim.with_user(self.biller).action_send()
        document = html.fromstring(claim.batch_id.attachment_id.raw)
        boxes = self._boxes(self._pages(document)[0])
        self.assertEqual((boxes["26"], boxes["29-dollars"]), (claim.name, "50"))
        self.assertEqual(claim.state, "submitted")
