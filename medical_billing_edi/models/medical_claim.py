import re
import unicodedata
from collections import defaultdict
from decimal import Decimal

from odoo import _, api, fields, models
from odoo.addons.medical_billing.models.medical_case_diagnosis import POINTER_LETTERS
from odoo.exceptions import UserError
from odoo.tools import float_round

from .. import edi

RESPONSIBILITY_CODES = {"primary": "P", "secondary": "S", "tertiary": "T"}
GENDER_CODES = {"female": "F", "male": "M"}
# Words of a person's name that are no part of it on a claim.
NAME_TITLES = frozenset({"DR", "MR", "MRS", "MS", "MISS", "PROF"})
NAME_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})
# Adjustment groups that keep money away from the patient (not patient responsibility).
PAYER_SIDE_GROUPS = ("CO", "OA", "PI")
# CARC 23: the impact of prior payers' adjudication; 3 copay, 2 coinsurance.
REASON_PRIOR_PAYERS, REASON_COPAY, REASON_COINSURANCE = "23", "3", "2"
ADDRESS_FIELDS = ("street", "city", "state_id", "zip")


def x12_text(value, upper=False):
    """``value`` as the plain ASCII an X12 file holds: accents dropped, spaces folded."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    text = " ".join(text.split())
    return text.upper() if upper else text


def x12_digits(value):
    return re.sub(r"\D", "", value or "")


def split_person_name(name):
    """(last, first, middle) of a person's name as kept in Odoo, one field: "Maria
    Alvarez", "Alvarez, Maria" or "Dr. Anna Reyes, DC" (title and credentials dropped)."""
    text = x12_text(name, upper=True)
    if "," in text:
        head, tail = (part.strip() for part in text.split(",", 1))
        if len(head.split()) == 1 and tail:
            text = f"{tail} {head}"  # "Last, First Middle"
        else:
            text = head  # "First Last, Credentials"
    words = [word.strip(".") for word in text.split()]
    words = [word for word in words if word]
    while len(words) > 1 and words[0] in NAME_TITLES:
        words.pop(0)
    while len(words) > 2 and words[-1] in NAME_SUFFIXES:
        words.pop()
    if len(words) < 2:
        return (words[0] if words else "", "", "")
    return words[-1], words[0], " ".join(words[1:-1])[:25]


def x12_phone(value):
    """A US phone number as the 837P wants it: its ten digits, no punctuation."""
    digits = x12_digits(value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def x12_address(partner):
    """The partner's address for N3/N4, or None when street, city, state or ZIP is missing."""
    if not (partner.street and partner.city and partner.state_id and partner.zip):
        return None
    return edi.Address(
        x12_text(partner.street, upper=True), x12_text(partner.city, upper=True),
        x12_text(partner.state_id.code, upper=True), x12_digits(partner.zip),
        x12_text(partner.street2, upper=True),
    )


def address_problem(partner):
    """What the partner's address lacks for a claim (words for the biller), or ""."""
    missing = [field for field in ADDRESS_FIELDS if not partner[field]]
    if not missing:
        return ""
    _ = partner.env._
    labels = {"street": _("street"), "city": _("city"), "state_id": _("state"), "zip": _("ZIP")}
    return ", ".join(labels[field] for field in missing)


class MedicalClaim(models.Model):
    _inherit = "medical.claim"

    edi_transaction_set = fields.Char(
        string="837P Transaction Set", readonly=True, copy=False,
        help="Control number (ST02) of the 837P transaction set that carried the claim: a "
        "999 answers each set.",
    )

    # ------------------------------------------------------------------ 837P data

    def _edi_problems(self):
        """{claim: [problem]}: what the data of the claims lacks for an 837P now, in words
        for the biller (it may have changed since the claims were made)."""
        Create = self.env["medical.claim.create"]
        found = {}
        for claim in self:
            problems = []
            for charge in claim.line_ids.charge_id:
                for problem in Create._edi_claim_problems(charge, claim.payer_role,
                                                          claim.policy_id):
                    if problem not in problems:
                        problems.append(problem)
            if problems:
                found[claim] = problems
        return found

    def _prepare_edi_claims(self):
        """The claims as the 837P writer takes them (``edi.Claim``), in order."""
        return [claim._prepare_edi_claim() for claim in self]

    def _prepare_edi_claim(self):
        self.ensure_one()
        case, policy, patient = self.case_id, self.policy_id, self.patient_id
        diagnoses = case.diagnosis_ids
        lines = self.line_ids.sorted(lambda line: (line.sequence, line.id))
        if not lines:
            raise UserError(_("Claim %(claim)s has no service line. Nothing was sent.",
                              claim=self.name))
        subscriber = policy.subscriber_id or patient
        is_patient = subscriber == patient
        renderings = lines.rendering_provider_id
        if len(renderings) > 1:
            raise UserError(_(
                "Claim %(claim)s has service lines of several rendering providers "
                "(%(providers)s): an 837P claim names one. Void it and bill each provider's "
                "charges on a claim of their own. Nothing was sent.",
                claim=self.name, providers=", ".join(renderings.mapped("name")),
            ))
        billing = self._prepare_edi_billing_provider()
        rendering = None  # the billing provider renders the services, unless said otherwise
        if renderings and renderings.npi != self.billing_provider_id.npi:
            rendering = self._prepare_edi_provider(renderings)
        referring = case.referring_provider_id
        prior_payers, adjudications = self._prepare_edi_prior_payers(lines)
        return edi.Claim(
            patient_control_number=self.name,
            billing_provider=billing,
            subscriber=self._prepare_edi_person(subscriber, policy.member_number),
            payer=self._prepare_edi_payer(self.payer_id),
            diagnosis_codes=tuple(
                x12_text(code, upper=True) for code in diagnoses.diagnosis_code_id.mapped("code")
            ),
            service_lines=tuple(
                self._prepare_edi_service_line(line, adjudications.get(line, ()))
                for line in lines
            ),
            place_of_service=lines[0].place_of_service or "11",
            frequency_code=self.frequency_code,
            payer_claim_control_number=x12_text(self.payer_claim_number),
            payer_responsibility=RESPONSIBILITY_CODES[self.payer_role],
            claim_filing_indicator=self.payer_id.claim_filing_indicator or "CI",
            group_number=x12_text(policy.group_number),
            patient=None if is_patient else self._prepare_edi_person(patient),
            patient_relationship=policy.subscriber_relationship,
            rendering_provider=rendering,
            referring_provider=self._prepare_edi_provider(referring) if referring else None,
            prior_payers=prior_payers,
        )

    def _prepare_edi_billing_provider(self):
        provider = self.billing_provider_id
        return edi.Provider(
            x12_text(provider.name, upper=True),
            provider.npi or "",
            tax_id=x12_digits(provider.tax_id),
            taxonomy=x12_text(provider.taxonomy_code, upper=True),
            address=x12_address(provider.partner_id or self.company_id.partner_id),
        )

    @api.model
    def _prepare_edi_provider(self, provider):
        """A rendering or referring provider: a person when the name has two words."""
        last, first, __ = split_person_name(provider.name)
        return edi.Provider(
            last if first else x12_text(provider.name, upper=True), provider.npi or "",
            first_name=first, taxonomy=x12_text(provider.taxonomy_code, upper=True),
        )

    @api.model
    def _prepare_edi_person(self, partner, member_id=""):
        last, first, middle = split_person_name(partner.name)
        return edi.Person(
            last, first, member_id=x12_text(member_id),
            birth_date=partner.birthdate or None,
            gender=GENDER_CODES.get(partner.sex, "U"),
            address=x12_address(partner),
            middle_name=middle,
        )

    @api.model
    def _prepare_edi_payer(self, payer):
        return edi.Payer(x12_text(payer.name, upper=True)[:60], x12_text(payer.payer_code),
                         x12_address(payer))

    def _edi_amount(self, amount):
        currency = self.currency_id
        return Decimal(f"{currency.round(amount):.{currency.decimal_places}f}")

    def _prepare_edi_service_line(self, line, adjudications):
        pointers = []
        for letter in (line.diagnosis_pointers or "").replace(" ", "").upper():
            if letter not in POINTER_LETTERS:
                raise UserError(_(
                    "Line %(line)s of claim %(claim)s points at diagnosis %(letter)s, which is "
                    "no pointer letter (A to L). Nothing was sent.",
                    line=line.sequence, claim=self.name, letter=letter,
                ))
            pointers.append(POINTER_LETTERS.index(letter) + 1)
        return edi.ServiceLine(
            procedure_code=x12_text(line.product_id.default_code, upper=True),
            charge=self._edi_amount(line.amount),
            service_date=line.date_service,
            units=Decimal(str(float_round(line.units, precision_digits=3))),
            modifiers=tuple(x12_text(line.modifiers, upper=True).split()),
            diagnosis_pointers=tuple(pointers),
            place_of_service=line.place_of_service or "",
            line_control_number=f"{self.name}-{line.sequence}",
            prior_adjudications=tuple(adjudications),
        )

    # ------------------------------------------------------------------ prior payers

    def _prepare_edi_prior_payers(self, lines):
        """(prior payers, {claim line: line adjudications}) of a secondary or tertiary
        claim, from the prior payers' posted EOBs.

        Each payer's adjudication of a line must account for the whole line charge (the
        guide's balancing rule): what it neither paid nor adjusted is either what the
        payers before it settled (OA-23) or what the patient owed from the start (PR-3
        copay, PR-2 coinsurance)."""
        self.ensure_one()
        if self.payer_role == "primary":
            return (), {}
        # {payer: {line: {"paid", "adjustments": {(group, reason): amount}, "date"}}}
        by_payer = defaultdict(dict)
        roles = {}
        for line in lines:
            for entry in line._prior_adjudications():
                payer = entry["payer"]
                roles[payer] = entry["role"]
                figures = by_payer[payer].setdefault(
                    line, {"paid": Decimal(0), "adjustments": defaultdict(Decimal), "date": None})
                figures["paid"] += self._edi_amount(entry["paid"])
                for group, reason, amount in entry["adjustments"]:
                    figures["adjustments"][group, reason] += self._edi_amount(amount)
                figures["date"] = max(filter(None, (figures["date"], entry["date"])))
        payers = sorted(by_payer, key=lambda payer: ["primary", "secondary", "tertiary"].index(
            roles[payer]))
        adjudications = defaultdict(list)
        prior_payers = []
        settled_before = defaultdict(Decimal)  # {line: paid and payer-side adjusted so far}
        for payer in payers:
            role = roles[payer]
            missing = lines.filtered(lambda line, payer=payer: line not in by_payer[payer])
            if missing:
                raise UserError(_(
                    "Claim %(claim)s bills %(codes)s, which %(payer)s (%(rank)s) has not "
                    "answered yet: post its EOB for these charges first, or bill them on "
                    "paper. Nothing was sent.",
                    claim=self.name, payer=payer.name, rank=role,
                    codes=", ".join(missing.product_id.mapped("default_code")),
                ))
            if not payer.payer_code:
                raise UserError(_(
                    "%(payer)s, the %(rank)s payer of claim %(claim)s, has no payer id: an "
                    "837P names each prior payer by it. Fill it in on the payer. Nothing was "
                    "sent.", payer=payer.name, rank=role, claim=self.name,
                ))
            policy = self._edi_prior_policy(payer, role)
            payer_lines = []
            for line in lines:
                figures = by_payer[payer][line]
                adjustments = self._edi_balance_adjustments(
                    line, figures, settled_before[line], policy)
                patient_share = sum((adj.amount for adj in adjustments if adj.group == "PR"),
                                    Decimal(0))
                payer_lines.append(edi.LineAdjudication(
                    x12_text(payer.payer_code), figures["paid"], figures["date"],
                    adjustments=adjustments,
                    remaining_patient_liability=patient_share or None,
                ))
                settled_before[line] += figures["paid"] + sum(
                    (adj.amount for adj in adjustments
                     if adj.group in PAYER_SIDE_GROUPS and adj.reason != REASON_PRIOR_PAYERS),
                    Decimal(0))
                adjudications[line].append(payer_lines[-1])
            patient_share = sum((line.remaining_patient_liability or Decimal(0)
                                 for line in payer_lines), Decimal(0))
            subscriber = policy.subscriber_id or policy.patient_id
            prior_claim = self.env["medical.claim"]._active_claim_lines(
                lines.charge_id, roles=(role,)).claim_id.filtered("payer_claim_number")
            prior_payers.append(edi.PriorPayer(
                payer=self._prepare_edi_payer(payer),
                subscriber=self._prepare_edi_person(subscriber, policy.member_number),
                paid_amount=sum((line.paid_amount for line in payer_lines), Decimal(0)),
                responsibility=RESPONSIBILITY_CODES[role],
                relationship=policy.subscriber_relationship,
                claim_filing_indicator=payer.claim_filing_indicator or "CI",
                group_number=x12_text(policy.group_number),
                remaining_patient_liability=patient_share or None,
                payer_claim_control_number=x12_text(prior_claim[:1].payer_claim_number),
                adjudication_date=max(line.adjudication_date for line in payer_lines),
            ))
        return tuple(prior_payers), adjudications

    def _edi_prior_policy(self, payer, role):
        """The policy through which ``payer`` (of rank ``role``) covered the claim."""
        policy = self.case_id[f"{role}_policy_id"]
        if policy.payer_id != payer:
            policy = self.env["medical.policy"].with_context(active_test=False).search([
                ("patient_id", "=", self.patient_id.id), ("payer_id", "=", payer.id),
            ], order="date_start desc", limit=1)
        if not policy:
            raise UserError(_(
                "Claim %(claim)s: %(payer)s paid its charges, but the patient has no policy "
                "with it any more; an 837P names the prior payer's member id. Nothing was "
                "sent.", claim=self.name, payer=payer.name,
            ))
        return policy

    def _edi_balance_adjustments(self, line, figures, settled_before, policy):
        """The payer's adjustments of ``line``, with what balances them to its charge."""
        adjustments = [edi.Adjustment(group, reason, amount)
                       for (group, reason), amount in figures["adjustments"].items() if amount]
        charge = self._edi_amount(line.amount)
        rest = charge - figures["paid"] - sum((adj.amount for adj in adjustments), Decimal(0))
        if rest < 0:
            raise UserError(_(
                "On claim %(claim)s, %(code)s: what the prior payer paid and adjusted is more "
                "than the line's charge. Check its EOB. Nothing was sent.",
                claim=self.name, code=line.product_id.default_code,
            ))
        prior = min(rest, settled_before)
        if prior:
            adjustments.append(edi.Adjustment("OA", REASON_PRIOR_PAYERS, prior))
        rest -= prior
        if rest:
            copay = self._edi_copay_part(charge, rest, self.case_id.primary_policy_id or policy)
            for reason, amount in ((REASON_COPAY, copay), (REASON_COINSURANCE, rest - copay)):
                if amount:
                    adjustments.append(edi.Adjustment("PR", reason, amount))
        return tuple(adjustments)

    def _edi_copay_part(self, charge, patient_share, policy):
        """How much of the patient's share of a charge was copay (the rest coinsurance),
        as the charge's posting split it: copay first, coinsurance on the remainder."""
        copay_limit = min(self._edi_amount(policy.copay_amount), patient_share)
        rate = Decimal(str(policy.coinsurance_percent)) / 100
        if not rate:
            return patient_share
        if rate >= 1 or not copay_limit:
            return copay_limit if rate >= 1 else Decimal(0)
        copay = self._edi_amount(float((patient_share - charge * rate) / (1 - rate)))
        return max(Decimal(0), min(copay, copay_limit))
