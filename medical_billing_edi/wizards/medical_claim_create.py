from odoo import _, api, models
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.addons.medical_billing_claim.models.medical_claim import PAYER_RANKS

from ..models.medical_claim import address_problem, split_person_name


class MedicalClaimCreate(models.TransientModel):
    _inherit = "medical.claim.create"

    @api.model
    def _plan_claims(self, charges, roles=PAYER_ROLES):
        """An 837P claim names one rendering provider (loop 2310B): an electronic claim
        takes the charges of one treating provider only."""
        groups, problems = super()._plan_claims(charges, roles)
        planned = []
        for group in groups:
            *key, group_charges = group
            if key[-1] != "electronic" or len(group_charges.treating_provider_id) <= 1:
                planned.append(group)
                continue
            planned += [(*key, provider_charges)
                        for provider_charges in group_charges.grouped(
                            "treating_provider_id").values()]
        return planned, problems

    @api.model
    def _claim_problems(self, charge, role, policy):
        problems = super()._claim_problems(charge, role, policy)
        if charge[f"{role}_payer_id"].payer_submission == "electronic":
            problems += self._edi_claim_problems(charge, role, policy)
        return problems

    @api.model
    def _edi_claim_problems(self, charge, role, policy):
        """What an 837P needs besides what any claim needs, in words for the biller. Reads
        the records only (no file is written): it runs for every charge of the dialog."""
        problems = []
        patient = charge.patient_id
        problems += self._edi_person_problems(patient)
        if policy and policy.subscriber_relationship != "18":
            subscriber = policy.subscriber_id
            if not subscriber or subscriber == patient:
                problems.append(_(
                    "Policy %(policy)s covers the patient as the subscriber's %(relation)s "
                    "but names no other subscriber",
                    policy=policy.display_name,
                    relation=dict(policy._fields["subscriber_relationship"].selection)[
                        policy.subscriber_relationship].lower(),
                ))
            elif not split_person_name(subscriber.name)[1]:
                problems.append(_("Subscriber %(name)s needs a first and a last name",
                                  name=subscriber.name))
        provider = charge.billing_provider_id
        if provider:
            missing = address_problem(provider.partner_id or charge.company_id.partner_id)
            if missing:
                problems.append(_("Billing provider %(provider)s's address has no %(missing)s",
                                  provider=provider.name, missing=missing))
        referring = charge.case_id.referring_provider_id
        if referring and not referring.npi:
            problems.append(_("Referring provider %(provider)s has no NPI",
                              provider=referring.name))
        if not (charge.product_id.default_code or "").strip():
            problems.append(_("Code %(code)s has no CPT or HCPCS code (Internal Reference)",
                              code=charge.product_id.display_name))
        if role != "primary":
            problems += self._edi_prior_payer_problems(charge, role)
        return problems

    @api.model
    def _edi_person_problems(self, patient):
        """What the patient lacks for the subscriber or patient loop of an 837P."""
        missing_address = address_problem(patient)
        has_name = bool(split_person_name(patient.name)[1])
        if has_name and patient.birthdate and patient.sex and not missing_address:
            return []  # read only, no words made: this runs for every charge
        label = _("Patient %(name)s", name=patient.name)
        problems = []
        if not has_name:
            problems.append(_("%(person)s needs a first and a last name", person=label))
        if not patient.birthdate:
            problems.append(_("%(person)s has no date of birth", person=label))
        if not patient.sex:
            problems.append(_("%(person)s has no sex (female, male or unknown)", person=label))
        if missing_address:
            problems.append(_("%(person)s's address has no %(missing)s",
                              person=label, missing=missing_address))
        return problems

    @api.model
    def _edi_prior_payer_problems(self, charge, role):
        """A secondary or tertiary 837P carries what each earlier payer paid and adjusted
        on the charge, from its posted EOB, and names it by its payer id."""
        problems = []
        for prior_role in PAYER_ROLES[:PAYER_ROLES.index(role)]:
            payer = charge[f"{prior_role}_payer_id"]
            if not payer:
                continue
            rank = dict(PAYER_RANKS)[prior_role].lower()
            if not payer.payer_code:
                problems.append(_(
                    "The %(rank)s payer %(payer)s has no payer id, which the electronic "
                    "claim quotes", rank=rank, payer=payer.name))
            answered = self.env["medical.eob.line"].search_count([
                ("charge_id", "=", charge.id), ("role", "=", prior_role),
                ("eob_id.state", "=", "posted"),
            ], limit=1)
            if not answered:
                problems.append(_(
                    "The %(rank)s payer %(payer)s has not answered yet (no posted EOB for "
                    "the charge)", rank=rank, payer=payer.name))
        return problems
