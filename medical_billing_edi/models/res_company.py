import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import edi
from .medical_claim import x12_phone, x12_text

# ISA05 / ISA07: what kind of id the interchange sender and receiver ids are.
ISA_QUALIFIERS = [
    ("ZZ", "ZZ - Mutually defined"),
    ("01", "01 - DUNS number"),
    ("14", "14 - DUNS number with suffix"),
    ("20", "20 - Health industry number (HIN)"),
    ("27", "27 - Carrier id (Medicare)"),
    ("28", "28 - Fiscal intermediary id"),
    ("29", "29 - Medicare provider and supplier id"),
    ("30", "30 - U.S. federal tax id"),
    ("33", "33 - NAIC company code"),
]
EDI_USAGES = [("production", "Production"), ("test", "Test")]
# (code, name) of the per-company sequences of the envelope's control numbers.
CONTROL_SEQUENCES = {
    "interchange": ("medical.edi.interchange", "837P Interchange Control Number (ISA13)"),
    "group": ("medical.edi.group", "837P Group Control Number (GS06)"),
}
# Highest control number ISA13 and GS06 hold (nine digits).
MAX_CONTROL_NUMBER = 999_999_999


class ResCompany(models.Model):
    _inherit = "res.company"

    medical_edi_submitter_name = fields.Char(
        string="Submitter Name",
        help="Who sends the 837P files (loop 1000A): the practice, or its billing service. "
        "The company's name when empty.",
    )
    medical_edi_submitter_id = fields.Char(
        string="Submitter ID",
        help="The submitter id (ETIN) the clearinghouse gave the practice at enrollment.",
    )
    medical_edi_contact_name = fields.Char(
        string="Submitter Contact",
        help="Whom the clearinghouse calls about a file; the submitter name when empty.",
    )
    medical_edi_contact_phone = fields.Char(
        string="Contact Phone", help="The company's phone when empty.",
    )
    medical_edi_contact_email = fields.Char(
        string="Contact Email", help="The company's email when empty.",
    )
    medical_edi_receiver_name = fields.Char(
        string="Clearinghouse Name", help="Who receives the 837P files (loop 1000B).",
    )
    medical_edi_receiver_id = fields.Char(
        string="Clearinghouse ID", help="The clearinghouse's receiver id (loop 1000B NM109).",
    )
    medical_edi_isa_sender_qualifier = fields.Selection(
        ISA_QUALIFIERS, string="ISA Sender Qualifier", default="ZZ", required=True,
    )
    medical_edi_isa_sender_id = fields.Char(
        string="ISA Sender ID", size=15,
        help="The practice's interchange sender id (ISA06), as the clearinghouse set it up.",
    )
    medical_edi_isa_receiver_qualifier = fields.Selection(
        ISA_QUALIFIERS, string="ISA Receiver Qualifier", default="ZZ", required=True,
    )
    medical_edi_isa_receiver_id = fields.Char(
        string="ISA Receiver ID", size=15,
        help="The clearinghouse's interchange receiver id (ISA08).",
    )
    medical_edi_gs_sender_code = fields.Char(
        string="GS Sender Code", size=15,
        help="Application sender code (GS02); the ISA sender id when empty.",
    )
    medical_edi_gs_receiver_code = fields.Char(
        string="GS Receiver Code", size=15,
        help="Application receiver code (GS03); the ISA receiver id when empty.",
    )
    medical_edi_usage = fields.Selection(
        EDI_USAGES, string="Claim Files Are", default="production", required=True,
        help="ISA15: production files go on to the payers; test files only check the "
        "clearinghouse set-up and are never forwarded.",
    )

    @api.constrains("medical_edi_gs_sender_code", "medical_edi_gs_receiver_code",
                    "medical_edi_submitter_id", "medical_edi_receiver_id")
    def _check_medical_edi_ids(self):
        labels = {
            "medical_edi_gs_sender_code": _("GS Sender Code"),
            "medical_edi_gs_receiver_code": _("GS Receiver Code"),
            "medical_edi_submitter_id": _("Submitter ID"),
            "medical_edi_receiver_id": _("Clearinghouse ID"),
        }
        for company in self:
            for field, label in labels.items():
                value = (company[field] or "").strip()
                if value and len(value) < 2:
                    raise ValidationError(_(
                        "%(label)s of %(company)s is too short: the clearinghouse's ids have "
                        "at least 2 characters. Copy it from your enrollment papers.",
                        label=label, company=company.name,
                    ))

    # ------------------------------------------------------------------ settings

    def _medical_edi_contact(self):
        self.ensure_one()
        return edi.Contact(
            x12_text(self.medical_edi_contact_name or self._medical_edi_submitter_name()),
            x12_phone(self.medical_edi_contact_phone or self.phone),
            x12_text(self.medical_edi_contact_email or self.email),
        )

    def _medical_edi_submitter_name(self):
        self.ensure_one()
        return x12_text(self.medical_edi_submitter_name or self.name)

    def _medical_edi_settings_problems(self):
        """The clearinghouse settings still to fill in, by their label in Settings."""
        self.ensure_one()
        required = [
            ("medical_edi_submitter_id", _("Submitter ID")),
            ("medical_edi_receiver_name", _("Clearinghouse Name")),
            ("medical_edi_receiver_id", _("Clearinghouse ID")),
            ("medical_edi_isa_sender_id", _("ISA Sender ID")),
            ("medical_edi_isa_receiver_id", _("ISA Receiver ID")),
        ]
        problems = [label for field, label in required if not (self[field] or "").strip()]
        contact = self._medical_edi_contact()
        if not (contact.phone or contact.email):
            problems.append(_("Contact Phone or Contact Email"))
        return problems

    def _medical_edi_check_settings(self):
        for company in self:
            problems = company._medical_edi_settings_problems()
            if problems:
                raise UserError(_(
                    "The clearinghouse settings of %(company)s are not complete: fill in "
                    "%(fields)s in Medical Billing > Configuration > Settings (Electronic "
                    "Claims). Nothing was sent.",
                    company=company.name, fields=", ".join(problems),
                ))

    def _medical_edi_envelope(self, interchange, group, reference=""):
        self.ensure_one()
        now = fields.Datetime.context_timestamp(self, fields.Datetime.now())
        return edi.Envelope(
            sender_id=x12_text(self.medical_edi_isa_sender_id),
            receiver_id=x12_text(self.medical_edi_isa_receiver_id),
            interchange_control_number=interchange,
            group_control_number=group,
            sender_qualifier=self.medical_edi_isa_sender_qualifier,
            receiver_qualifier=self.medical_edi_isa_receiver_qualifier,
            application_sender_code=x12_text(self.medical_edi_gs_sender_code),
            application_receiver_code=x12_text(self.medical_edi_gs_receiver_code),
            created=datetime.datetime.combine(now.date(), now.time().replace(microsecond=0)),
            production=self.medical_edi_usage == "production",
            batch_reference=reference,
        )

    def _medical_edi_submitter(self):
        self.ensure_one()
        return edi.Submitter(
            self._medical_edi_submitter_name(), x12_text(self.medical_edi_submitter_id),
            self._medical_edi_contact(),
        )

    def _medical_edi_receiver(self):
        self.ensure_one()
        return edi.Receiver(x12_text(self.medical_edi_receiver_name),
                            x12_text(self.medical_edi_receiver_id))

    # ------------------------------------------------------------------ control numbers

    def _medical_edi_sequence(self, kind):
        """The company's own sequence of ``kind`` control numbers, made on first use."""
        self.ensure_one()
        code, name = CONTROL_SEQUENCES[kind]
        Sequence = self.env["ir.sequence"].sudo()
        domain = [("code", "=", code), ("company_id", "=", self.id)]
        sequence = Sequence.search(domain, order="id", limit=1)
        if not sequence:
            # Two first sends at once must not both make one: the second waits, then
            # finds the first one's sequence.
            self.env.cr.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", [code, self.id])
            sequence = Sequence.search(domain, order="id", limit=1) or Sequence.create({
                "name": name, "code": code, "company_id": self.id, "padding": 9,
                "implementation": "standard",
            })
        return sequence

    def _medical_edi_next_control_numbers(self):
        """(interchange, group) control numbers for a new 837P file of the company."""
        self.ensure_one()
        numbers = []
        for kind in ("interchange", "group"):
            sequence = self._medical_edi_sequence(kind)
            number = int(sequence.next_by_id())
            if not 0 < number <= MAX_CONTROL_NUMBER:
                raise UserError(_(
                    "The %(sequence)s sequence of %(company)s is at %(number)s, beyond the "
                    "nine digits an 837P holds: a Billing Manager resets it (Settings > "
                    "Technical > Sequences) after agreeing the new numbering with the "
                    "clearinghouse. Nothing was sent.",
                    sequence=sequence.name, company=self.name, number=number,
                ))
            numbers.append(number)
        return tuple(numbers)
