from odoo import Command, _, fields, models
from odoo.exceptions import UserError

from .. import edi
from ..models.medical_era import PAYMENT_METHODS
from .medical_claim_answer_import import MAX_ISSUES_SHOWN


class MedicalEraImport(models.TransientModel):
    """Import ERAs: 835 remittance files read, each payment matched to our claims, and
    shown before anything posts (the dry run). A file that cannot be read or does not
    balance refuses the whole import; a payment imported before is left out and said so."""

    _name = "medical.era.import"
    _description = "Import Remittances (835)"

    attachment_ids = fields.Many2many(
        "ir.attachment", "medical_era_import_attachment_rel", "wizard_id", "attachment_id",
        string="Files", help="835 files from the clearinghouse or the payers, one or several.")

    def action_import(self):
        self.ensure_one()
        self.env["medical.era"].check_access("create")
        if not self.attachment_ids:
            raise UserError(_("Add the 835 files to import first."))
        read = [(attachment, self._read(attachment)) for attachment in self.attachment_ids]
        eras = self.env["medical.era"]
        skipped = []
        for attachment, remittances in read:
            file_eras = self.env["medical.era"]
            for remittance in remittances:
                duplicate = self._find_duplicate(remittance)
                if duplicate:
                    skipped.append(_(
                        "%(file)s: payment %(number)s of %(amount)s from %(payer)s was "
                        "imported before (%(era)s): nothing of it was imported again.",
                        file=attachment.name, number=remittance.trace_number,
                        amount=remittance.total_paid, payer=remittance.payer.name,
                        era=duplicate.name))
                    continue
                file_eras |= self._create_era(remittance, attachment)
            if file_eras:  # the file is kept on its remittances
                attachment.write({"res_model": "medical.era", "res_id": file_eras[:1].id})
            eras |= file_eras
        eras.claim_ids._plan()
        self.attachment_ids.filtered(lambda a: a.res_model != "medical.era").unlink()
        if not eras:
            raise UserError("\n".join(skipped) or _("The files hold no payment."))
        action = eras._get_records_action(name=_("Imported Remittances"))
        if skipped:
            for era in eras:
                era.message_post(body="\n".join(skipped))
        return action

    def _read(self, attachment):
        name = attachment.name
        try:
            remittances = edi.read_835(attachment.raw or b"", strict=True)
        except edi.X12BalanceError as error:
            raise UserError(_(
                "%(file)s does not balance, so nothing was imported:\n%(issues)s\nAsk the "
                "payer or the clearinghouse for a corrected file.", file=name,
                issues="\n".join(f"- {issue}" for issue in error.issues[:MAX_ISSUES_SHOWN]),
            )) from error
        except edi.X12ParseError as error:
            raise UserError(_(
                "%(file)s cannot be read as an 835, so nothing was imported:\n%(issues)s\n"
                "Download the file again; if it stays wrong, ask for a corrected one.",
                file=name,
                issues="\n".join(f"- {issue}" for issue in error.issues[:MAX_ISSUES_SHOWN]),
            )) from error
        except edi.EdiError as error:
            raise UserError(_("%(file)s cannot be read, so nothing was imported: %(error)s",
                              file=name, error=error)) from error
        if not remittances:
            raise UserError(_("%(file)s holds no remittance: nothing was imported.",
                              file=name))
        return remittances

    def _find_duplicate(self, remittance):
        return self.env["medical.era"].search([
            ("company_id", "=", self.env.company.id),
            ("payer_identifier", "=", remittance.payer.identifier or False),
            ("trace_number", "=", remittance.trace_number),
            ("amount", "=", float(remittance.total_paid)),
        ], limit=1)

    def _create_era(self, remittance, attachment):
        return self.env["medical.era"].create(self._era_vals(remittance, attachment))

    def _find_payer(self, remittance):
        """Our payer of the payment: by the payer id in the file; when several payers of
        the company share it, the one its claims were billed to."""
        identifier = remittance.payer.identifier
        Partner = self.env["res.partner"]
        if not identifier:
            return Partner
        payers = Partner.search([("is_payer", "=", True), ("payer_code", "=", identifier),
                                 *Partner._check_company_domain(self.env.company)])
        if len(payers) > 1:
            billed = self.env["medical.claim"].search([
                ("company_id", "=", self.env.company.id),
                ("name", "in", [claim.patient_control_number for claim in remittance.claims]),
            ]).payer_id
            payers = payers & billed
        return payers if len(payers) == 1 else Partner

    def _era_vals(self, remittance, attachment):
        payer = self._find_payer(remittance)
        return {
            "company_id": self.env.company.id,
            "payer_id": payer.id,
            "payer_name": remittance.payer.name,
            "payer_identifier": remittance.payer.identifier or False,
            "trace_number": remittance.trace_number,
            "payment_method": PAYMENT_METHODS.get(remittance.payment_method, "eft"),
            "payment_date": remittance.payment_date,
            "amount": float(remittance.total_paid),
            "attachment_id": attachment.id,
            "provider_adjustments": [{
                "reason": plb.reason, "reference": plb.reference, "amount": float(plb.amount),
                "description": plb.description,
            } for plb in remittance.provider_adjustments],
            "claim_ids": [Command.create(_era_claim_vals(number, claim))
                          for number, claim in enumerate(remittance.claims, 1)],
        }


def _adjustments(adjustments):
    return [[adj.group, adj.reason, float(adj.amount)] for adj in adjustments]


def _era_claim_vals(sequence, claim):
    crossover = claim.crossover_payer.name if claim.crossover_payer else ""
    return {
        "sequence": sequence,
        "patient_control_number": claim.patient_control_number,
        "patient_name": claim.patient.name if claim.patient else False,
        "payer_claim_number": claim.payer_claim_control_number or False,
        "status_code": claim.status_code,
        "charge": float(claim.charge),
        "paid": float(claim.paid),
        "patient_responsibility": float(claim.patient_responsibility),
        "data": {
            "paid": float(claim.paid),
            "charge": float(claim.charge),
            "crossover": crossover,
            "adjustments": _adjustments(claim.adjustments),
            "remarks": [remark.code for remark in claim.remarks],
            "lines": [{
                "code": line.procedure_code,
                "modifiers": list(line.modifiers),
                "charge": float(line.charge),
                "paid": float(line.paid),
                "allowed": float(line.allowed) if line.allowed is not None else None,
                "date": fields.Date.to_string(line.service_date_from),
                "control": line.line_control_number,
                "adjustments": _adjustments(line.adjustments),
                "remarks": [remark.code for remark in line.remarks],
            } for line in claim.service_lines],
        },
    }
