import re

from odoo import _, api, fields, models
from odoo.addons.medical_billing.models.account_move_line import PAYER_ROLES
from odoo.exceptions import UserError
from odoo.tools.float_utils import float_repr

from ..models.medical_claim import MAX_LINES
from ..models.medical_claim_batch import PAPER_LAYOUTS

# Box 1 by the payer's claim filing indicator, as the NUCC crosswalk to the 837P (SBR09)
# reads it: commercial, Blue Cross and HMO payers are group health plans, "other federal
# program" is FECA / Black Lung; workers' compensation, automobile and the rest are other.
INSURANCE_TYPES = {
    "MA": "medicare", "MB": "medicare", "MC": "medicaid", "CH": "tricare", "VA": "champva",
    "CI": "group", "BL": "group", "HM": "group", "OF": "feca",
}
INSURANCE_TYPE_OPTIONS = ("medicare", "medicaid", "tricare", "champva", "group", "feca",
                          "other")
# Box 6 by the policy's X12 relationship code; employee and the rest are "other".
RELATIONSHIPS = {"18": "self", "01": "spouse", "19": "child"}
RELATIONSHIP_OPTIONS = ("self", "spouse", "child", "other")
SEXES = {"male": "m", "female": "f"}
ONSET_QUALIFIER = "431"  # box 14: onset of current symptoms or illness
REFERRING_QUALIFIER = "DN"  # box 17: referring provider
ICD10_INDICATOR = "0"  # box 21: ICD-10-CM
SIGNATURE_ON_FILE = "SIGNATURE ON FILE"
CHECKED = "X"
MAX_DIAGNOSES = 12
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"
MAX_MODIFIERS = 4
# Boxes the model has no data for, or that the form reserves: printed empty.
#   8, 9b, 9c, 30: reserved for NUCC use; 10d claim codes, 10b state (no accident);
#   11b other claim id; 12 date (the signature is on file); 15 other date, 16 dates unable
#   to work, 18 hospitalization dates, 19 additional claim information, 20 outside lab
#   charges, 23 prior authorization; 17a, 32b, 33b other (legacy) ids; 32a: the clinic
#   holds no NPI of its own.
BLANK_BOXES = (
    "8", "9b", "9c", "10b-state", "10d", "11b", "12-date", "15", "16", "17a", "18", "19",
    "20-charges", "23", "30", "32a", "32b", "33b",
)
# Columns of service lines the model has no data for: 24C emergency, 24H EPSDT / family
# plan, 24I qualifier of another rendering provider id (the NPI needs none).
BLANK_LINE_COLUMNS = ("24C", "24H", "24I")
# Punctuation the NUCC instructions keep out of addresses ("123 N Main Street 101").
ADDRESS_PUNCTUATION = re.compile(r"[.,#]")


def _form_date(date, year="%Y"):
    """A date as the form's MM | DD | YY(YY) cells read it, one space per separator: at
    10 characters per inch the parts fall on the form's columns."""
    return date.strftime(f"%m %d {year}") if date else ""


def _last_first(name):
    """LAST, FIRST as boxes 2, 4 and 9 want it. A partner holds a single name: its last word
    is taken as the last name and the words before it as the first (and middle) names."""
    words = (name or "").split()
    if len(words) < 2:
        return " ".join(words).upper()
    return f"{words[-1]}, {' '.join(words[:-1])}".upper()


def _phone(number):
    """(area code, number) of a US phone number, digits only as the form wants them; a
    number that is not 10 digits (after a leading 1) goes whole in the number cell."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        return "", (number or "").strip()
    return digits[:3], digits[3:]


def _address_text(text):
    return " ".join(ADDRESS_PUNCTUATION.sub(" ", text or "").split()).upper()


def _street(partner):
    return _address_text(" ".join(filter(None, (partner.street, partner.street2))))


def _person_address_boxes(box, partner):
    """Boxes 5 and 7: the patient's or the insured's address and phone."""
    area, number = _phone(partner.phone or partner.mobile)
    return {
        f"{box}-street": _street(partner),
        f"{box}-city": _address_text(partner.city),
        f"{box}-state": partner.state_id.code or "",
        f"{box}-zip": (partner.zip or "").strip(),
        f"{box}-phone-area": area,
        f"{box}-phone": number,
    }


def _city_state_zip(partner):
    """One line: city, state code and ZIP separated by spaces, no comma (NUCC)."""
    return " ".join(filter(None, (
        _address_text(partner.city), partner.state_id.code or "", (partner.zip or "").strip(),
    )))


class ReportMedicalClaimCms1500(models.AbstractModel):
    """The CMS-1500 (02/12) paper claim. What each box holds is worked out here, one plain
    dict per printed form ({box: text}, "X" in a checked box, "" in an empty one); the
    template only places the values: over the whole drawn form (plain paper), or alone at
    the same places (pre-printed red forms). A claim prints on one form, or one per six
    service lines when it holds more (an electronic claim printed on paper)."""

    _name = "report.medical_billing_claim.report_cms1500"
    _description = "CMS-1500 Claim Form"

    @api.model
    def _get_report_values(self, docids, data=None):
        claims = self.env["medical.claim"].browse(docids)
        layout = (data or {}).get("layout")
        if layout and layout not in dict(PAPER_LAYOUTS):
            raise UserError(_(
                "The CMS-1500 has no layout %(layout)s: print it with one of %(layouts)s.",
                layouts=", ".join(dict(PAPER_LAYOUTS)), layout=layout,
            ))
        today = fields.Date.context_today(self)
        return {
            "doc_ids": docids,
            "doc_model": "medical.claim",
            "docs": claims,
            # Printed from the Print menu (no layout given): the company's paper layout.
            "layout_of": {
                claim.id: layout or claim.company_id.medical_claim_paper_layout or "plain"
                for claim in claims
            },
            "forms_of": {claim.id: self._claim_forms(claim, today) for claim in claims},
        }

    def _claim_forms(self, claim, date):
        """The box values of each form the claim prints on: six service lines a form,
        each form totalling its own lines (boxes 28 and 29)."""
        boxes = self._claim_boxes(claim, date)
        size = MAX_LINES["paper"]
        lines = claim.line_ids
        return [
            {**boxes, **self._service_line_boxes(claim, lines[start:start + size])}
            for start in range(0, max(len(lines), 1), size)
        ]

    def _claim_boxes(self, claim, date):
        """The boxes of the claim other than its service lines and totals."""
        case, policy, payer = claim.case_id, claim.policy_id, claim.payer_id
        patient = claim.patient_id
        insured = policy.subscriber_id or patient
        other_policy = self._other_policy(claim)
        other_insured = other_policy.subscriber_id or other_policy.patient_id
        provider = claim.billing_provider_id
        billing_address = provider.partner_id or claim.company_id.partner_id
        first_line = claim.line_ids[:1]
        clinic = first_line.charge_id.treating_clinic_id
        referring = case.referring_provider_id
        insurance_type = INSURANCE_TYPES.get(payer.claim_filing_indicator, "other")
        relationship = RELATIONSHIPS.get(policy.subscriber_relationship, "other")
        billing_phone = _phone(billing_address.phone)
        resubmission = claim.frequency_code if claim.frequency_code in ("7", "8") else ""
        boxes = {
            # Carrier block, top right: the payer the form is mailed to.
            "carrier-name": (payer.name or "").upper(),
            "carrier-street": _address_text(payer.street),
            "carrier-street2": _address_text(payer.street2),
            "carrier-city": _city_state_zip(payer),
            **{f"1-{option}": CHECKED if option == insurance_type else ""
               for option in INSURANCE_TYPE_OPTIONS},
            "1a": policy.member_number or "",
            "2": _last_first(patient.name),
            "3": _form_date(patient.birthdate),
            "3-sex-m": CHECKED if SEXES.get(patient.sex) == "m" else "",
            "3-sex-f": CHECKED if SEXES.get(patient.sex) == "f" else "",
            "4": _last_first(insured.name),
            **_person_address_boxes("5", patient),
            **{f"6-{option}": CHECKED if option == relationship else ""
               for option in RELATIONSHIP_OPTIONS},
            **_person_address_boxes("7", insured),
            # Another health plan: the case's next-ranked policy.
            "9": _last_first(other_insured.name) if other_policy else "",
            "9a": other_policy.member_number or "",
            "9d": (other_policy.payer_id.name or "").upper(),
            # Employment, auto or other accident: the model records none.
            "10a-yes": "", "10a-no": CHECKED,
            "10b-yes": "", "10b-no": CHECKED,
            "10c-yes": "", "10c-no": CHECKED,
            "11": policy.group_number or "",
            "11a": _form_date(insured.birthdate),
            "11a-sex-m": CHECKED if SEXES.get(insured.sex) == "m" else "",
            "11a-sex-f": CHECKED if SEXES.get(insured.sex) == "f" else "",
            "11c": (payer.name or "").upper(),
            "11d-yes": CHECKED if other_policy else "",
            "11d-no": "" if other_policy else CHECKED,
            "12": SIGNATURE_ON_FILE,
            "13": SIGNATURE_ON_FILE,
            "14": _form_date(case.date_start),
            "14-qual": ONSET_QUALIFIER if case.date_start else "",
            "17-qual": REFERRING_QUALIFIER if referring else "",
            "17": (referring.name or "").upper(),
            "17b": referring.npi or "",
            "20-yes": "", "20-no": CHECKED,
            "21-ind": ICD10_INDICATOR,
            **self._diagnosis_boxes(case),
            "22-code": resubmission,
            "22-ref": (claim.payer_claim_number or "") if resubmission else "",
            # The NUCC wants the tax id without hyphens.
            "25": (provider.tax_id or "").replace("-", "").strip(),
            "25-ssn": "",
            "25-ein": CHECKED if provider.tax_id else "",
            "26": claim.name or "",
            "27-yes": CHECKED, "27-no": "",
            "31": ((first_line.rendering_provider_id or provider).name or "").upper(),
            "31-date": _form_date(date, "%y"),
            "32-name": (clinic.name or "").upper(),
            "32-street": _street(clinic.partner_id),
            "32-city": _city_state_zip(clinic.partner_id),
            "33-name": (provider.name or "").upper(),
            "33-street": _street(billing_address),
            "33-city": _city_state_zip(billing_address),
            "33-phone-area": billing_phone[0],
            "33-phone": billing_phone[1],
            "33a": provider.npi or "",
        }
        boxes.update(dict.fromkeys(BLANK_BOXES, ""))
        return boxes

    def _other_policy(self, claim):
        """Boxes 9 and 11d: the case's first policy by rank other than the claim's (the
        secondary for a primary claim, the primary for a secondary or tertiary one), if it
        is in force at the claim's first date of service."""
        case, date = claim.case_id, claim.service_date_from
        for role in PAYER_ROLES:
            policy = case[f"{role}_policy_id"]
            if policy and policy != claim.policy_id and (not date or policy._covers(date)):
                return policy
        return self.env["medical.policy"]

    def _diagnosis_boxes(self, case):
        """Box 21 A to L: the case's diagnoses in order, as the lines' pointers letter them.
        The decimal point is left out: the form implies it (CMS and NUCC instructions)."""
        boxes = dict.fromkeys((f"21-{letter}" for letter in DIAGNOSIS_LETTERS), "")
        for diagnosis in case.diagnosis_ids.filtered("pointer")[:MAX_DIAGNOSES]:
            code = (diagnosis.diagnosis_code_id.code or "").replace(".", "").upper()
            boxes[f"21-{diagnosis.pointer}"] = code
        return boxes

    def _service_line_boxes(self, claim, lines):
        """Box 24 rows 1 to 6 for ``lines``, then their total charge (28) and what the
        payers ranked before the claim's payer paid on them (29, from their posted EOBs).
        Money goes in two cells, dollars right-aligned and cents, as the form prints it."""
        currency = claim.currency_id
        boxes = {}
        for row in range(1, MAX_LINES["paper"] + 1):
            line = lines[row - 1] if row <= len(lines) else lines.browse()
            dollars, cents = self._money(currency, line.amount) if line else ("", "")
            dos = _form_date(line.date_service, "%y")
            boxes.update({
                f"24A-{row}-from": dos,
                f"24A-{row}-to": dos,
                f"24B-{row}": line.place_of_service or "",
                f"24D-{row}": line.product_id.default_code or "",
                # Modifier codes are two characters: one space apart they fall on the
                # form's four modifier cells.
                f"24D-{row}-mod": " ".join((line.modifiers or "").split()[:MAX_MODIFIERS]),
                f"24E-{row}": (line.diagnosis_pointers or "")[:4],
                f"24F-{row}-dollars": dollars,
                f"24F-{row}-cents": cents,
                f"24G-{row}": float_repr(line.units, 3).rstrip("0").rstrip(".")
                if line else "",
                f"24J-{row}": line.rendering_provider_id.npi or "",
                **{f"{column}-{row}": "" for column in BLANK_LINE_COLUMNS},
            })
        total = sum(lines.mapped("amount"))
        prior_paid = sum(
            adjudication["paid"] for line in lines for adjudication in line._prior_adjudications()
        )
        boxes["28-dollars"], boxes["28-cents"] = self._money(currency, total)
        # Nothing paid before: box 29 stays empty.
        boxes["29-dollars"], boxes["29-cents"] = self._money(currency, prior_paid) \
            if not currency.is_zero(prior_paid) else ("", "")
        return boxes

    def _money(self, currency, amount):
        """(dollars, cents) of ``amount``: no dollar sign, no thousands separator (NUCC)."""
        dollars, __, cents = float_repr(currency.round(amount), 2).partition(".")
        return dollars, cents
