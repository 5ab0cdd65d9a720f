from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.exceptions import UserError

from ..models.medical_claim import MAX_LINES, PAYER_RANKS


class MedicalClaimCreate(models.TransientModel):
    """Create Claims: the selected charges grouped into claims, one per case, payer rank
    and billing provider, at most 6 service lines on paper and 50 electronically, in DOS
    order. A charge a claim cannot carry is listed with what it lacks, and left out."""

    _name = "medical.claim.create"
    _description = "Create Claims"

    charge_ids = fields.Many2many("medical.charge", string="Charges")
    payer_role = fields.Selection(
        PAYER_RANKS, string="Payer Rank",
        help="Bill only this rank; empty bills every payer whose share is open.",
    )
    problem_ids = fields.One2many("medical.claim.create.problem", "wizard_id",
                                  compute="_compute_plan", string="Not Billable")
    claim_count = fields.Integer(compute="_compute_plan", string="Claims to Create")
    billable_count = fields.Integer(compute="_compute_plan", string="Charges to Bill")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        model, ids = context.get("active_model"), context.get("active_ids") or []
        Charge = self.env["medical.charge"]
        if model == "medical.charge":
            charges = Charge.browse(ids)
        elif model == "medical.case":
            charges = Charge.search([("case_id", "in", ids), ("claim_ready", "=", True)])
        elif model == "res.partner":
            charges = Charge.search([("patient_id", "in", ids), ("claim_ready", "=", True)])
        else:
            charges = Charge
        if not charges:
            raise UserError(_(
                "Nothing to bill: no charge of this selection is posted with a payer's share "
                "still open and off every active claim."
            ))
        values["charge_ids"] = [Command.set(charges.ids)]
        return values

    @api.depends("charge_ids", "payer_role")
    def _compute_plan(self):
        for wizard in self:
            groups, problems = wizard._plan()
            wizard.claim_count = len(groups)
            wizard.billable_count = sum(len(charges) for *__, charges in groups)
            wizard.problem_ids = [Command.clear()] + [
                Command.create({"charge_id": charge.id, "payer_role": role, "problem": text})
                for charge, role, text in problems
            ]

    def _plan(self):
        roles = (self.payer_role,) if self.payer_role else PAYER_ROLES
        return self.env["medical.claim.create"]._plan_claims(self.charge_ids._origin, roles)

    def action_create_claims(self):
        self.ensure_one()
        self.env["medical.claim"].check_access("create")
        groups, __ = self._plan()
        if not groups:
            raise UserError(_(
                "None of these charges can be billed: the list shows what each one lacks. "
                "No claim was made."
            ))
        claims = self._create_claims(groups)
        return claims._get_records_action(name=_("New Claims"))

    # ------------------------------------------------------------------ planning

    @api.model
    def _plan_claims(self, charges, roles=PAYER_ROLES):
        """([(case, role, policy, billing provider, submission, charges)], [(charge, role,
        problem)]): the claims ``charges`` make, and what keeps the others off a claim."""
        charges = charges.filtered(lambda charge: charge.state == "posted")
        figures = charges._ledger_figures()
        claimed = {(line.charge_id, line.payer_role): line.claim_id
                   for line in self.env["medical.claim"]._active_claim_lines(charges, roles)}
        by_key = defaultdict(lambda: self.env["medical.charge"])
        problems = []
        for charge in charges:
            for role in roles:
                payer = charge[f"{role}_payer_id"]
                currency = charge.currency_id
                if not payer or currency.compare_amounts(figures[charge.id][role]["due"], 0) <= 0:
                    continue
                if (charge, role) in claimed:
                    problems.append((charge, role, _(
                        "Already on claim %(claim)s", claim=claimed[charge, role].name)))
                    continue
                policy = charge.case_id[f"{role}_policy_id"]
                missing = self._claim_problems(charge, role, policy)
                if missing:
                    problems.append((charge, role, "; ".join(missing)))
                    continue
                submission = payer.payer_submission or "paper"
                key = (charge.case_id, role, policy, charge.billing_provider_id, submission)
                by_key[key] |= charge
        groups = []
        for key, key_charges in by_key.items():
            size = MAX_LINES[key[-1]]
            ordered = key_charges.sorted(lambda charge: (charge.date_service, charge.id))
            groups.extend((*key, ordered[start:start + size])
                          for start in range(0, len(ordered), size))
        return groups, problems

    @api.model
    def _claim_problems(self, charge, role, policy):
        """What ``charge`` lacks to be billed to its ``role`` payer (words for the biller).
        The EDI app adds what an 837P needs besides."""
        problems = []
        if charge.hold_claim:
            problems.append(_("Held off claims (Hold claim is ticked on the charge)"))
        if not policy or policy.payer_id != charge[f"{role}_payer_id"] \
                or not policy._covers(charge.date_service):
            problems.append(_("No %(rank)s policy of the case covers the DOS",
                              rank=dict(PAYER_RANKS)[role].lower()))
        elif not (policy.member_number or "").strip():
            problems.append(_("Policy %(policy)s has no member id", policy=policy.display_name))
        provider = charge.billing_provider_id
        if not provider:
            problems.append(_("No billing provider"))
        else:
            if not provider.npi:
                problems.append(_("Billing provider %(provider)s has no NPI",
                                  provider=provider.name))
            if not provider.tax_id:
                problems.append(_("Billing provider %(provider)s has no tax id",
                                  provider=provider.name))
        rendering = charge.treating_provider_id
        if rendering and not rendering.npi:
            problems.append(_("Rendering provider %(provider)s has no NPI",
                              provider=rendering.name))
        if not charge.diagnosis_ids.filtered("pointer"):
            problems.append(_("No diagnosis pointer (ICD Mapping is empty)"))
        payer = charge[f"{role}_payer_id"]
        if payer.payer_submission == "electronic" and not payer.payer_code:
            problems.append(_("Electronic payer %(payer)s has no payer id",
                              payer=payer.name))
        return problems

    @api.model
    def _prepare_claim_vals(self, case, role, policy, provider, submission, charges):
        return {
            "case_id": case.id,
            "company_id": case.company_id.id,
            "payer_role": role,
            "policy_id": policy.id,
            "payer_id": policy.payer_id.id,
            "submission": submission,
            "billing_provider_id": provider.id,
            "line_ids": [Command.create(self._prepare_claim_line_vals(charge, sequence))
                         for sequence, charge in enumerate(charges, start=1)],
        }

    @api.model
    def _prepare_claim_line_vals(self, charge, sequence):
        diagnoses = charge.diagnosis_ids.filtered("pointer").sorted("pointer")
        return {
            "sequence": sequence,
            "charge_id": charge.id,
            "date_service": charge.date_service,
            "units": charge.units,
            "modifiers": " ".join(charge._modifiers().mapped("code")),
            "diagnosis_pointers": "".join(diagnoses[:4].mapped("pointer")),
            "rendering_provider_id": charge.treating_provider_id.id,
            "place_of_service": charge.treating_clinic_id.place_of_service or "11",
            "amount": charge.amount_fee_total,
        }

    @api.model
    def _create_claims(self, groups):
        return self.env["medical.claim"]._create_versions([
            self._prepare_claim_vals(*group) for group in groups
        ])


class MedicalClaimCreateProblem(models.TransientModel):
    _name = "medical.claim.create.problem"
    _description = "Charge Not Billable"

    wizard_id = fields.Many2one("medical.claim.create", required=True, ondelete="cascade")
    charge_id = fields.Many2one("medical.charge", required=True)
    patient_id = fields.Many2one(related="charge_id.patient_id")
    payer_role = fields.Selection(PAYER_RANKS, string="Payer Rank")
    problem = fields.Char(string="What is missing")
