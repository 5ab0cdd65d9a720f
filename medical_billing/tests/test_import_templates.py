from odoo.tests import tagged
from odoo.tools import file_open

from .common import MedicalBillingCommon

TEMPLATES = "medical_billing/static/xls/"
CSV_OPTIONS = {
    "has_headers": True, "quoting": '"', "separator": ",", "encoding": "utf-8",
    "date_format": "%Y-%m-%d", "float_decimal_separator": ".",
    "float_thousand_separator": ",",
}


@tagged("post_install", "-at_install")
class TestImportTemplates(MedicalBillingCommon):
    """The Import button's templates, imported as the button does (base_import): each
    template's columns are all recognised, its rows import, and a file with a bad row
    imports nothing and names the row."""

    def _template(self, name):
        with file_open(TEMPLATES + name, "rb") as template:
            return template.read()

    def _import(self, model, content, dryrun=False, **context):
        env = self.env(context=dict(self.env.context, **context))
        importer = env["base_import.import"].create({
            "res_model": model, "file": content, "file_type": "text/csv",
            "file_name": "import.csv",
        })
        preview = importer.parse_preview(dict(CSV_OPTIONS))
        self.assertFalse(preview.get("error"), preview)
        unmatched = [header for index, header in enumerate(preview["headers"])
                     if not preview["matches"].get(index)]
        self.assertFalse(unmatched, f"Columns Odoo does not recognise: {unmatched}")
        fields = ["/".join(preview["matches"][index]) for index in range(len(preview["headers"]))]
        return importer.execute_import(fields, preview["headers"], dict(CSV_OPTIONS),
                                       dryrun=dryrun)

    def _errors(self, result):
        return [message for message in result["messages"] if message["type"] == "error"]

    def test_each_menu_offers_its_template(self):
        templates = {
            ("product.template", "default_medical_code_type"): "medical_codes.csv",
            ("res.partner", "default_is_patient"): "medical_patients.csv",
            ("res.partner", "default_is_payer"): "medical_payers.csv",
            ("medical.fee.schedule", None): "medical_fee_schedules.csv",
            ("medical.provider", None): "medical_providers.csv",
        }
        for (model, flag), name in templates.items():
            context = {flag: True} if flag else {}
            offered = self.env[model].with_context(**context).get_import_templates()
            self.assertEqual([template["template"] for template in offered],
                             [f"/{TEMPLATES}{name}"])
            self.assertTrue(self._template(name))
        self.assertNotIn("medical", str(self.env["res.partner"].get_import_templates()))

    def test_templates_import(self):
        before = self.env["product.product"].search([])
        result = self._import("product.template", self._template("medical_codes.csv"),
                              default_medical_code_type="cpt")
        self.assertFalse(self._errors(result), result)
        codes = self.env["product.product"].search([("default_code", "in", ["98940", "E0730",
                                                                           "OTC-VITD"])]) - before
        self.assertEqual(sorted(codes.mapped("medical_code_type")), ["cpt", "hcpcs", "otc"])

        schedules_before = self.env["medical.fee.schedule"].search([])
        result = self._import("medical.fee.schedule",
                              self._template("medical_fee_schedules.csv"))
        self.assertFalse(self._errors(result), result)
        ppo = self.env["medical.fee.schedule"].search([("name", "=", "PPO 2026")]) \
            - schedules_before
        self.assertEqual(len(ppo.line_ids), 3)
        self.assertEqual(ppo._line_for(codes.filtered(
            lambda code: code.default_code == "98940")).price, 52.0)

        partners_before = self.env["res.partner"].search([])
        result = self._import("res.partner", self._template("medical_payers.csv"),
                              default_is_payer=True, default_is_company=True)
        self.assertFalse(self._errors(result), result)
        payer = self.env["res.partner"].search([("payer_code", "=", "EVM01")]) \
            - partners_before
        self.assertTrue(payer.is_payer and payer.is_company)
        self.assertEqual(payer.payer_submission, "paper")

        result = self._import("res.partner", self._template("medical_patients.csv"),
                              default_is_patient=True)
        self.assertFalse(self._errors(result), result)
        maria = self.env["res.partner"].search([("name", "=", "Maria Alvarez")]) \
            - partners_before
        self.assertTrue(maria.is_patient and maria.patient_account_number)
        self.assertEqual(len(maria.medical_policy_ids), 2)
        self.assertEqual(maria.medical_case_ids.name, "Low back pain")
        self.assertEqual(sorted(maria.medical_policy_ids.mapped("copay_amount")), [0.0, 30.0])

        providers_before = self.env["medical.provider"].search([])
        result = self._import("medical.provider", self._template("medical_providers.csv"))
        self.assertFalse(self._errors(result), result)
        providers = self.env["medical.provider"].search(
            [("npi", "in", ["1234567893", "1245319599"])]) - providers_before
        self.assertEqual(sorted(providers.mapped("name")), ["Jane Smith DC", "Spine Group LLC"])

    def test_bad_rows_import_nothing_and_name_the_row(self):
        bad_files = {
            # A fee schedule price for a code that is not in the database.
            ("medical.fee.schedule", ()): self._template("medical_fee_schedules.csv").replace(
                b"97110,80.00", b"99999,80.00"),
            # A policy that ends before it starts.
            ("res.partner", ("default_is_patient",)): self._template(
                "medical_patients.csv").replace(b"2025-07-01,2026-12-31",
                                                b"2026-07-01,2025-12-31"),
            # An NPI whose check digit is wrong.
            ("medical.provider", ()): self._template("medical_providers.csv").replace(
                b"1234567893", b"1234567890"),
        }
        for (model, flags), content in bad_files.items():
            before = self.env[model].search_count([])
            result = self._import(model, content, **dict.fromkeys(flags, True))
            errors = self._errors(result)
            self.assertTrue(errors, model)
            self.assertTrue(any(error.get("rows") or error.get("record") is not None
                                for error in errors), errors)
            self.assertEqual(self.env[model].search_count([]), before,
                             f"{model}: a failed import keeps nothing")
