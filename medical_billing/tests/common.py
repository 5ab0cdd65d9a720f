from odoo import Command
from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.tests import Form, new_test_user


class MedicalBillingCommon(AccountTestInvoicingCommon):
    """A clinic on a company with a chart of accounts: codes, a fee schedule, payers, a
    patient with a primary (copay 30.00) and a secondary policy, and a case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("medical_billing.group_medical_billing_manager")
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.sales_tax = cls.company_data["default_tax_sale"].copy({
            "name": "Sales tax 10%", "amount": 10.0, "price_include_override": "tax_excluded",
        })
        cls.code_adjustment = cls._create_code("98941", "Spinal adjustment", 79.0)
        cls.code_exercise = cls._create_code("97110", "Exercise, per 15 min", 100.0)
        cls.code_supplement = cls._create_code(
            "OTC-1", "Supplement", 20.0, code_type="otc", taxes=cls.sales_tax,
        )
        cls.fee_schedule = cls.env["medical.fee.schedule"].create({
            "name": "PPO",
            "line_ids": [
                Command.create({"product_id": cls.code_exercise.id, "price": 80.0}),
                Command.create({"product_id": cls.code_supplement.id, "price": 15.0}),
            ],
        })
        cls.payer_primary = cls._create_payer("Blue Harbor Health", "BHH01")
        cls.payer_secondary = cls._create_payer("Evergreen Mutual", "EVM01")
        cls.patient = cls.env["res.partner"].create({
            "name": "Maria Alvarez", "is_patient": True, "birthdate": "1982-04-17",
        })
        cls.policy_primary = cls._create_policy(cls.payer_primary, copay_amount=30.0)
        cls.policy_secondary = cls._create_policy(cls.payer_secondary)
        cls.diagnoses = cls.env["medical.diagnosis.code"].create([
            {"code": f"M62.8{n}", "name": f"Muscle disorder {n}"} for n in range(5)
        ])
        cls.case = cls.env["medical.case"].create({
            "name": "Low back pain",
            "patient_id": cls.patient.id,
            "date_start": "2026-01-01",
            "primary_policy_id": cls.policy_primary.id,
            "secondary_policy_id": cls.policy_secondary.id,
            "diagnosis_ids": [
                Command.create({"diagnosis_code_id": code.id, "sequence": n})
                for n, code in enumerate(cls.diagnoses)
            ],
        })
        cls.reason_contractual = cls.env.ref("medical_billing.write_off_reason_contractual")
        cls.front_desk = new_test_user(
            cls.env, login="front_desk", groups="medical_billing.group_medical_billing_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.biller = new_test_user(
            cls.env, login="biller", groups="medical_billing.group_medical_billing_biller",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.billing_manager = new_test_user(
            cls.env, login="billing_mgr",
            groups="medical_billing.group_medical_billing_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.accountant = new_test_user(
            cls.env, login="bookkeeper", groups="account.group_account_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.accounts = {
            "patient": cls.company.medical_patient_receivable_account_id,
            "payer": cls.company.medical_payer_receivable_account_id,
            "revenue": cls.company.medical_revenue_account_id,
            "fee_schedule": cls.company.medical_fee_schedule_account_id,
            "write_off": cls.company.medical_write_off_account_id,
        }

    @classmethod
    def _create_code(cls, code, name, price, code_type="cpt", taxes=None):
        return cls.env["product.product"].create({
            "name": name,
            "default_code": code,
            "type": "service" if code_type != "otc" else "consu",
            "medical_code_type": code_type,
            "list_price": price,
            "taxes_id": [Command.set(taxes.ids if taxes else [])],
        })

    @classmethod
    def _create_payer(cls, name, payer_code):
        return cls.env["res.partner"].create({
            "name": name, "is_company": True, "is_payer": True, "payer_code": payer_code,
        })

    @classmethod
    def _create_policy(cls, payer, patient=None, **values):
        return cls.env["medical.policy"].create({
            "patient_id": (patient or cls.patient).id,
            "payer_id": payer.id,
            "member_number": f"M-{payer.id}",
            "date_start": "2026-01-01",
            **values,
        })

    def _create_charges(self, *vals_list, case=None):
        return self.env["medical.charge"].create([
            {"case_id": (case or self.case).id, "date_service": "2026-03-02", **vals}
            for vals in vals_list
        ])

    def _post_charge(self, product=None, **values):
        charge = self._create_charges({"product_id": (product or self.code_adjustment).id,
                                       **values})
        charge.action_post()
        return charge

    def _enter_visit(self, case, codes, date="2026-03-18"):
        """Codes typed on the case's Charges tab (with ``self.provider``), then saved, as
        the front desk does; returns the case's draft charges."""
        with Form(case) as case_form:
            for code in codes:
                with case_form.charge_ids.new() as row:
                    row.date_service = date
                    row.product_id = code
                    row.treating_provider_id = self.provider
        return case.charge_ids.filtered(lambda charge: charge.state == "draft")

    def _post_payment_dialog(self, user=None, patient=None, **values):
        """Post a payment through the patient's Post Payment dialog (its Post button), as
        ``user`` (the front desk by default)."""
        patient = (patient or self.patient).with_env(self.env).with_user(user or self.front_desk)
        action = patient.action_open_medical_payment()
        view_id = next(
            (view_id for view_id, view_type in action.get("views") or [] if view_type == "form"),
            False,
        )
        with Form(patient.env["medical.payment"].with_context(**action["context"]),
                  view=self.env["ir.ui.view"].browse(view_id) if view_id else None) as dialog:
            for field, value in values.items():
                setattr(dialog, field, value)
        payment = dialog.record
        payment.action_post()
        return payment

    def _receivable_lines(self, charge, role=None):
        return charge.ledger_line_ids.filtered(
            lambda line: line.medical_party_role and (not role or line.medical_party_role == role)
        ).sorted("id")

    def assertTieOut(self, company=None):
        """The billing open balances equal the billing receivable accounts' balance."""
        tie_out = (company or self.company)._medical_tie_out()
        self.assertTrue(
            self.currency.is_zero(tie_out["billing_open"] - tie_out["ledger_balance"]),
            f"Tie-out broken: {tie_out}",
        )
        return tie_out
