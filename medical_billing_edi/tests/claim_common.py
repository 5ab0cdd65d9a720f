"""Fixtures of the Odoo side: claims sent as 837P files, and the clearinghouse's and the
payers' answers to them written here as X12 text, for the batches and claims at hand."""

import base64
from contextlib import contextmanager

from odoo import Command
from odoo.addons.medical_billing_claim.tests.common import MedicalClaimCommon
from odoo.exceptions import UserError
from odoo.tests import new_test_user

CLEARINGHOUSE_SETTINGS = {
    "medical_edi_submitter_name": "Healthy Spine Clinic",
    "medical_edi_submitter_id": "SUB01",
    "medical_edi_contact_name": "Jane Roe",
    "medical_edi_contact_phone": "2175550100",
    "medical_edi_receiver_name": "Best Clearinghouse",
    "medical_edi_receiver_id": "CH12345",
    "medical_edi_isa_sender_id": "HEALTHYSPINE",
    "medical_edi_isa_receiver_id": "BESTCLEARING",
    "medical_edi_usage": "test",
}


def segments(text):
    return [segment.strip() for segment in text.split("~") if segment.strip()]


def interchange(sender, receiver, functional_id, version, control, body):
    """An interchange of one group of one transaction set (``body``: ST to before SE),
    from ``sender`` to ``receiver``, with its counts and trailers."""
    head = [
        f"ISA*00*          *00*          *ZZ*{sender.ljust(15)}*ZZ*{receiver.ljust(15)}"
        f"*260312*1100*^*00501*{control:09d}*0*P*:",
        f"GS*{functional_id}*{sender}*{receiver}*20260312*1100*{control}*X*{version}",
    ]
    tail = [f"SE*{len(body) + 1}*{body[0].split('*')[2]}", f"GE*1*{control}",
            f"IEA*1*{control:09d}"]
    return "~\n".join(head + body + tail) + "~\n"


class MedicalEdiClaimCommon(MedicalClaimCommon):
    """The claim fixtures with the company enrolled at a clearinghouse."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(CLEARINGHOUSE_SETTINGS)
        cls.payer_secondary.write({
            "street": "7 Evergreen Terrace", "city": "Springfield", "zip": "62705",
            "state_id": cls.env.ref("base.state_us_14").id,
            "country_id": cls.env.ref("base.us").id,
        })

    @contextmanager
    def assertRefused(self, pattern):
        """A UserError matching ``pattern``, whose transaction rolls back as a request's
        does (Odoo's assertRaises, unlike assertRaisesRegex, rolls back a savepoint)."""
        with self.assertRaises(UserError) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    # ------------------------------------------------------------------ sending

    def _send(self, *charges, user=None):
        """Claims made over each group of ``charges`` and sent together: (claims, batch)."""
        claims = self.env["medical.claim"]
        for group in charges:
            claims |= self._claims_for(group)
        claims.with_user(user or self.front_desk).action_send()
        return claims, claims.batch_id

    def _document(self, batch):
        return batch.attachment_id.raw.decode("ascii")

    # ------------------------------------------------------------------ answers

    def _999(self, batch, verdicts=None, control=None):
        """The clearinghouse's 999 to ``batch``: {transaction set: None (accepted) or
        [(segment id, position, loop, code, IK4 elements or "", claim or None)]
        (rejected)}."""
        verdicts = verdicts or dict.fromkeys(batch.transaction_set_control_numbers.split())
        body = ["ST*999*0001*005010X231A1", f"AK1*HC*{batch.group_control_number}*005010X222A1"]
        for number, errors in verdicts.items():
            body.append(f"AK2*837*{number}*005010X222A1")
            for segment_id, position, loop, code, element, claim in errors or ():
                body.append(f"IK3*{segment_id}*{position}*{loop}*{code}")
                if claim:
                    body.append(f"CTX*CLM01:{claim.name}")
                if element:
                    body.append(f"IK4*{element}")
            body.append("IK5*A" if errors is None else "IK5*R*5")
        accepted = sum(errors is None for errors in verdicts.values())
        status = "A" if accepted == len(verdicts) else ("R" if not accepted else "P")
        body.append(f"AK9*{status}*{len(verdicts)}*{len(verdicts)}*{accepted}")
        return interchange("BESTCLEARING", "HEALTHYSPINE", "FA", "005010X231A1",
                           control or 300 + batch.group_control_number, body)

    def _277ca(self, verdicts, payer=None, control=None):
        """A 277CA of the clearinghouse, or of ``payer``: {claim: (accepted, payer claim
        number or "", free text)}."""
        claims = self.env["medical.claim"].union(*verdicts)
        if payer:
            source = f"NM1*PR*2*{payer.name.upper()}*****PI*{payer.payer_code}"
            accepted_status, rejected_status = "A2:20:PR", "A3:21:PR"
        else:
            source = "NM1*AY*2*BEST CLEARINGHOUSE*****46*CH12345"
            accepted_status, rejected_status = "A1:19:PR", "A7:562:82"

        def totals(claims, codes):
            accepted = claims.filtered(lambda claim: verdicts[claim][0])
            rejected = claims - accepted
            lines = [f"QTY*{code}*{len(part)}"
                     for code, part in zip(codes, (accepted, rejected), strict=True) if part]
            return lines + [f"AMT*{code}*{sum(part.mapped('amount_total')):.2f}"
                            for code, part in (("YU", accepted), ("YY", rejected)) if part]

        total = f"{sum(claims.mapped('amount_total')):.2f}"
        body = [
            "ST*277*0001*005010X214", "BHT*0085*08*277CA0001*20260312*1200*TH",
            "HL*1**20*1", source, "TRN*1*BATCH0001", "DTP*050*D8*20260311",
            "DTP*009*D8*20260312", "HL*2*1*21*1", "NM1*41*2*HEALTHY SPINE CLINIC*****46*SUB01",
            "TRN*2*10001", f"STC*{accepted_status}*20260312*WQ*{total}",
            *totals(claims, ("90", "AA")),
            "HL*3*2*19*1", "NM1*85*2*HEALTHY SPINE CLINIC*****XX*1245319599", "TRN*1*0",
            f"STC*{accepted_status}**WQ*{total}", *totals(claims, ("QA", "QC")),
        ]
        for number, claim in enumerate(claims, start=4):
            accepted, payer_number, text = verdicts[claim]
            amount = f"{claim.amount_total:.2f}"
            first, last = claim.patient_id.name.upper().split(" ", 1)
            body += [
                f"HL*{number}*3*PT",
                f"NM1*QC*1*{last}*{first}****MI*{claim.policy_id.member_number}",
                f"TRN*2*{claim.name}",
                f"STC*{accepted_status}*20260312*WQ*{amount}" if accepted
                else f"STC*{rejected_status}*20260312*U*{amount}********{text}",
            ]
            if payer_number:
                body.append(f"REF*1K*{payer_number}")
            body += [f"REF*D9*TRACE{claim.id}",
                     f"DTP*472*D8*{claim.service_date_from.strftime('%Y%m%d')}"]
        sender = "BHH01" if payer else "BESTCLEARING"
        return interchange(sender, "HEALTHYSPINE", "HN", "005010X214", control or 277, body)

    def _import(self, *texts, user=None, names=None):
        """The Import Answers dialog with ``texts`` as uploaded files: its results."""
        user = user or self.biller
        names = names or [f"answer_{number}.x12" for number in range(1, len(texts) + 1)]
        Wizard = self.env["medical.claim.answer.import"].with_user(user)
        wizard = Wizard.create({
            "attachment_ids": [Command.create({
                "name": name, "datas": base64.b64encode(text.encode()),
                "res_model": Wizard._name, "res_id": 0,
            }) for name, text in zip(names, texts, strict=True)],
        })
        wizard.action_import()
        return wizard

    @classmethod
    def _other_company_user(cls, company, login="biller_b"):
        return new_test_user(
            cls.env, login=login, groups="medical_billing.group_medical_billing_biller",
            company_id=company.id, company_ids=[Command.set(company.ids)],
        )
