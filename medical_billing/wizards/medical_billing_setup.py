from odoo import _, api, fields, models

from ..models.medical_provider import is_valid_npi


class MedicalBillingSetup(models.TransientModel):
    """The first-run checklist: each step of setting up billing for the company, what of
    it is still missing, and the screen that fixes it. Read from the data each time it
    opens, so a step is done as soon as its screen has what it needs."""

    _name = "medical.billing.setup"
    _description = "Billing Setup"

    company_id = fields.Many2one("res.company", required=True, readonly=True,
                                 default=lambda self: self.env.company)
    step_ids = fields.One2many("medical.billing.setup.step", "setup_id", readonly=True)
    missing_count = fields.Integer(compute="_compute_missing_count")

    @api.depends("step_ids.done")
    def _compute_missing_count(self):
        for setup in self:
            setup.missing_count = len(setup.step_ids.filtered(lambda step: not step.done))

    @api.model
    def default_get(self, fields_list):
        # The screen opens as a new record: its steps are read as it opens.
        values = super().default_get(fields_list)
        if "step_ids" in fields_list:
            company = self.env["res.company"].browse(values.get("company_id")) \
                or self.env.company
            values["step_ids"] = [
                fields.Command.create({**step, "sequence": sequence})
                for sequence, step in enumerate(self.new({"company_id": company.id})._steps())
            ]
        return values

    def _steps(self):
        """[{name, done, missing, action}]: the steps in order. Other billing apps add
        theirs (clearinghouse, statements)."""
        self.ensure_one()
        company = self.company_id
        env = self.env
        in_company = [("company_id", "in", [company.id, False])]
        providers = env["medical.provider"].search(in_company)
        bad_npi = providers.filtered(lambda p: p.npi and not is_valid_npi(p.npi))
        no_npi = providers.filtered(lambda p: not p.npi)
        missing_accounts = company._medical_setup_problems()
        return [
            self._step(
                _("Chart of accounts, billing accounts and journals"), not missing_accounts,
                _("Missing: %(fields)s.", fields=", ".join(missing_accounts)),
                "medical_billing.medical_billing_settings_action"),
            self._step(
                _("Clinics (where patients are seen; their address prints on claims)"),
                env["medical.clinic"].search_count(in_company),
                _("Add at least one clinic."), "medical_billing.medical_clinic_action"),
            self._step(
                _("Providers with their NPI (a billing provider and the treating ones)"),
                providers.filtered("is_billing") and providers.filtered("is_treating")
                and not (bad_npi or no_npi),
                _("Add a billing and a treating provider, each with a valid NPI.%(names)s",
                  names=_(" Without a valid NPI: %(names)s.",
                          names=", ".join((bad_npi | no_npi).mapped("name")))
                  if bad_npi or no_npi else ""),
                "medical_billing.medical_provider_action"),
            self._step(
                _("CPT/HCPCS and over-the-counter codes with prices"),
                env["product.template"].search_count(
                    [("medical_code_type", "!=", False), *in_company]),
                _("Add or import your codes (the Import button of the Codes list offers a "
                  "template)."), "medical_billing.product_template_action_medical_code"),
            self._step(
                _("Fee schedules (optional)"),
                env["medical.fee.schedule"].search_count(in_company),
                _("None yet: add or import the fee schedules of your contracts."),
                "medical_billing.medical_fee_schedule_action", optional=True),
            self._step(
                _("Insurance payers"),
                env["res.partner"].search_count([("is_payer", "=", True), *in_company]),
                _("Add or import your payers, with their payer ids."),
                "medical_billing.res_partner_action_payer"),
            self._step(
                _("Patients with their policies and cases"),
                env["res.partner"].search_count([("is_patient", "=", True), *in_company]),
                _("Add or import your patients (the template takes their policies and "
                  "cases)."), "medical_billing.res_partner_action_patient"),
            self._step(
                _("Opening balances from your former system (optional)"),
                env["medical.opening.balance"].search_count(
                    [("state", "=", "posted"), ("company_id", "=", company.id)]),
                _("None posted yet: bring over what patients and payers still owe."),
                "medical_billing.medical_opening_balance_action", optional=True),
        ]

    @api.model
    def _home_action(self):
        """What the app opens on: the setup for a Billing Manager while a required step is
        missing (so the admin who just installed it is walked through), else the first
        screen of its menu."""
        if self.env.user.has_group("medical_billing.group_medical_billing_manager"):
            steps = self.new({"company_id": self.env.company.id})._steps()
            if any(not step["done"] and not step["optional"] for step in steps):
                return self.env["ir.actions.act_window"]._for_xml_id(
                    "medical_billing.medical_billing_setup_action")
        menu = self.env.ref("medical_billing.medical_billing_menu_root")
        while menu:
            menu = menu.child_id._filter_visible_menus().sorted(
                lambda child: (child.sequence, child.id))[:1]
            if menu.action and menu.action._name == "ir.actions.act_window":
                return menu.action._get_action_dict()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "medical_billing.res_partner_action_patient")

    @api.model
    def _step(self, name, done, missing, action, optional=False):
        return {"name": name, "done": bool(done), "optional": optional,
                "missing": False if done else missing, "action_xmlid": action}


class MedicalBillingSetupStep(models.TransientModel):
    _name = "medical.billing.setup.step"
    _description = "Billing Setup Step"
    _order = "sequence"

    setup_id = fields.Many2one("medical.billing.setup", required=True, ondelete="cascade")
    sequence = fields.Integer()
    name = fields.Char(string="Step", required=True)
    done = fields.Boolean()
    optional = fields.Boolean()
    missing = fields.Char(string="What Is Missing")
    action_xmlid = fields.Char()

    def action_open(self):
        self.ensure_one()
        return self.env["ir.actions.act_window"]._for_xml_id(self.action_xmlid)
