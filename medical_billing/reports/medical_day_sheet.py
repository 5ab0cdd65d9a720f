from odoo import _, api, fields, models
from odoo.exceptions import UserError

PATIENT_METHODS = ("cash", "check", "card")
PAYER_METHODS = ("check", "eft")


class ReportMedicalDaySheet(models.AbstractModel):
    """The day sheet: what a clinic posted over a range of dates.

    Every section reads posted records (deleted money records left out) in one search, and
    checks its total against the journal items of those records in one ``_read_group``.
    The records are read under the user's rights; their journal items as superuser (billing
    roles have no accounting rights), always in the sheet's company.

    Money is totalled per kind, apart: "Total payments" is the money received (patient and
    insurance payments); refunds are money out; credit forwards (received by earlier
    software) and transfers between patients are no money received and have their own lines.
    """

    _name = "report.medical_billing.report_day_sheet"
    _description = "Day Sheet Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["medical.day.sheet"].browse(docids).exists()
        form = (data or {}).get("form")
        if not docs and form:
            # Printed without the wizard: data={"form": {"date_from": ..., ...}}.
            docs = self.env["medical.day.sheet"].create({
                key: form[key] for key in ("company_id", "clinic_id", "date_from", "date_to")
                if form.get(key)
            })
        if not docs:
            raise UserError(_("Choose the dates of the day sheet to print."))
        return {
            "doc_ids": docs.ids,
            "doc_model": "medical.day.sheet",
            "docs": docs,
            "sheets": {
                doc.id: self._day_sheet_data(
                    doc.company_id, doc.date_from, doc.date_to, clinic=doc.clinic_id,
                )
                for doc in docs
            },
        }

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------

    @api.model
    def _day_sheet_data(self, company, date_from, date_to, clinic=None):
        """The day sheet's sections as plain dicts and amounts (see the class docstring)."""
        clinic = clinic or self.env["medical.clinic"]
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        currency = company.currency_id
        money = self._money_records(company, date_from, date_to, clinic)
        journal_amounts = self._money_journal_amounts(money)

        def section(kind, methods=None):
            return self._money_section(
                money.filtered(lambda record: record.kind == kind), journal_amounts, methods,
            )

        patient_payments = section("payment", PATIENT_METHODS)
        credit_forwards = section("credit_forward")
        payer_payments = self._payer_payment_section(company, date_from, date_to, clinic)
        charges = self._charge_section(company, date_from, date_to, clinic)
        adjustments = self._adjustment_section(company, date_from, date_to, clinic)
        refunds = section("refund", PATIENT_METHODS)
        transfers_out = section("transfer_out")
        transfers_in = section("transfer_in")
        # Money received: patient and insurance payments; less refunds, the net.
        payments = {
            key: currency.round(patient_payments[key] + payer_payments[key])
            for key in ("total", "journal_total")
        }
        net_received = {
            key: currency.round(payments[key] - refunds[key])
            for key in ("total", "journal_total")
        }
        sections = [
            ("charges", _("Charges"), charges),
            ("patient_payments", _("Patient payments"), patient_payments),
            ("payer_payments", _("Insurance payments"), payer_payments),
            ("payments", _("Total payments (money received)"), payments),
            ("refunds", _("Refunds (money out)"), refunds),
            ("net_received", _("Net money received"), net_received),
            ("credit_forwards", _("Credit forwards (brought over, not money received)"),
             credit_forwards),
            ("adjustments", _("Adjustments"), adjustments),
            ("transfers_out", _("Outgoing transfers (between patients)"), transfers_out),
            ("transfers_in", _("Incoming transfers (between patients)"), transfers_in),
        ]
        return {
            "company": company.name,
            "clinic": clinic.name or _("All clinics"),
            "date_from": date_from,
            "date_to": date_to,
            "charges": charges,
            "payments": {
                "patient": patient_payments,
                "payer": payer_payments,
                "total": payments["total"],
            },
            "refunds": refunds,
            "net_received": net_received["total"],
            "credit_forwards": credit_forwards,
            "adjustments": adjustments,
            "transfers": {"out": transfers_out, "in": transfers_in},
            "journal_check": [
                {
                    "section": key,
                    "label": label,
                    "day_sheet": values["total"],
                    "journal": values["journal_total"],
                    "difference": currency.round(values["total"] - values["journal_total"]),
                }
                for key, label, values in sections
            ],
        }

    def _clinic_domain(self, clinic, prefix=""):
        """Charges belong to their scheduled clinic, or their treating clinic if none."""
        if not clinic:
            return []
        return [
            "|", (f"{prefix}scheduled_clinic_id", "=", clinic.id),
            "&", (f"{prefix}scheduled_clinic_id", "=", False),
            (f"{prefix}treating_clinic_id", "=", clinic.id),
        ]

    def _posted_domain(self, company, date_from, date_to, clinic):
        """Posted records of the company and dates (deleted ones are left out), of the
        clinic when one is given."""
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        if clinic:
            domain.append(("clinic_id", "=", clinic.id))
        return domain

    def _money_records(self, company, date_from, date_to, clinic):
        """Posted patient money records of the dates: deleted ones are left out."""
        return self.env["medical.payment"].search(
            self._posted_domain(company, date_from, date_to, clinic), order="date, id",
        )

    def _money_journal_amounts(self, money):
        """{(entry id, patient id): amount} booked on the patient's billing receivable items
        by each entry: what the journal says each money record moved."""
        groups = self.env["account.move.line"].sudo()._read_group(
            [
                ("company_id", "in", money.company_id.ids),
                ("move_id", "in", money.move_id.ids),
                ("parent_state", "=", "posted"),
                ("medical_party_role", "!=", False),
            ],
            ["move_id", "partner_id"],
            ["balance:sum"],
        )
        return {(move.id, partner.id): abs(balance) for move, partner, balance in groups}

    def _money_section(self, records, journal_amounts, methods=None):
        currency = records.company_id.currency_id[:1] or self.env.company.currency_id
        method_labels = dict(records._fields["method"]._description_selection(self.env))
        lines = [
            {
                "date": record.date,
                "name": record.name,
                "party": record.patient_id.name,
                "method": record.method if methods else False,
                "method_label": method_labels.get(record.method, "") if methods else "",
                "reference": record.check_number or record.card_last4 or record.memo or "",
                "amount": record.amount,
                "journal_amount": journal_amounts.get(
                    (record.move_id.id, record.patient_id.id), 0.0
                ),
            }
            for record in records
        ]
        return self._with_totals(lines, currency, methods, method_labels)

    def _with_totals(self, lines, currency, methods, method_labels):
        result = {
            "lines": lines,
            "count": len(lines),
            "total": currency.round(sum(line["amount"] for line in lines)),
            "journal_total": currency.round(sum(line["journal_amount"] for line in lines)),
        }
        if methods:
            result["by_method"] = [
                {
                    "method": method,
                    "label": method_labels.get(method, method),
                    "lines": [line for line in lines if line["method"] == method],
                    "count": len([line for line in lines if line["method"] == method]),
                    "total": currency.round(sum(
                        line["amount"] for line in lines if line["method"] == method
                    )),
                }
                for method in methods
            ]
        return result

    def _payer_payment_section(self, company, date_from, date_to, clinic):
        """Posted EOBs of the dates, by payment method. An EOB names no clinic: payer
        payments show on the day sheet of all clinics only."""
        currency = company.currency_id
        if "medical.eob" not in self.env:
            return self._with_totals([], currency, PAYER_METHODS, {})
        Eob = self.env["medical.eob"]
        method_labels = dict(Eob._fields["payment_method"]._description_selection(self.env))
        has_clinic = "clinic_id" in Eob._fields
        if clinic and not has_clinic:
            result = self._with_totals([], currency, PAYER_METHODS, method_labels)
            result["note"] = _("Payer payments are listed on the day sheet of all clinics.")
            return result
        eobs = Eob.search(self._posted_domain(company, date_from, date_to, clinic),
                          order="date, id")
        # The money of an EOB is the debit on its journal's liquidity account.
        journal_amounts = dict(self.env["account.move.line"].sudo()._read_group(
            [
                ("company_id", "=", company.id),
                ("move_id", "in", eobs.move_id.ids),
                ("parent_state", "=", "posted"),
                ("account_id", "in", eobs.sudo().move_id.journal_id.default_account_id.ids),
            ],
            ["move_id"],
            ["balance:sum"],
        ))
        lines = [
            {
                "date": eob.date,
                "name": eob.display_name,
                "party": eob.payer_id.name,
                "method": eob.payment_method,
                "method_label": method_labels.get(eob.payment_method, ""),
                "reference": eob.reference or "",
                "amount": eob.amount_total,
                "journal_amount": journal_amounts.get(eob.sudo().move_id, 0.0),
            }
            for eob in eobs
        ]
        return self._with_totals(lines, currency, PAYER_METHODS, method_labels)

    def _charge_section(self, company, date_from, date_to, clinic):
        """Charges by date of service; a charge reversed since still counts here (its
        reversal is an adjustment of the day it was made)."""
        currency = company.currency_id
        charges = self.env["medical.charge"].search([
            ("company_id", "=", company.id),
            ("state", "in", ("posted", "reversed")),
            ("date_service", ">=", date_from),
            ("date_service", "<=", date_to),
            *self._clinic_domain(clinic),
        ], order="date_service, patient_id, id")
        journal_total = self.env["account.move.line"].sudo()._read_group(
            [
                ("company_id", "=", company.id),
                ("medical_charge_id", "in", charges.ids),
                ("move_id", "in", charges.move_id.ids),
                ("parent_state", "=", "posted"),
                ("medical_party_role", "!=", False),
            ],
            [],
            ["balance:sum"],
        )[0][0]
        lines = [
            {
                "date": charge.date_service,
                "patient": charge.patient_id.name,
                "code": charge.product_id.default_code or "",
                "description": charge.description or "",
                "clinic": (charge.scheduled_clinic_id or charge.treating_clinic_id).name or "",
                "units": charge.units,
                "amount_list": charge.amount_list_untaxed,
                "fee_write_off": charge.amount_fee_write_off,
                "tax": charge.amount_fee_tax,
                "amount": charge.amount_fee_total,
                "reversed": charge.state == "reversed",
            }
            for charge in charges
        ]

        def total(key):
            return currency.round(sum(line[key] for line in lines))

        return {
            "lines": lines,
            "count": len(lines),
            "total_list": total("amount_list"),
            "total_fee_write_off": total("fee_write_off"),
            "total_tax": total("tax"),
            "total": total("amount"),
            "journal_total": currency.round(journal_total),
        }

    def _adjustment_section(self, company, date_from, date_to, clinic):
        """Write-offs (their expense side, with their reason) and charge reversals made on
        the dates. A reversal also mirrors the charge's earlier write-offs, which show here
        as negative write-offs."""
        currency = company.currency_id
        Line = self.env["account.move.line"].sudo()
        dated = [
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
            *self._clinic_domain(clinic, prefix="medical_charge_id."),
        ]
        write_off_domain = [
            *dated, ("medical_entry_kind", "=", "write_off"), ("medical_party_role", "=", False),
        ]
        write_off_items = Line.search(write_off_domain, order="date, id")
        # Payer adjustments posted from EOBs name a CARC code (CO-45) instead of a reason.
        by_reason = Line._read_group(
            write_off_domain,
            ["medical_write_off_reason_id", "medical_adjustment_group",
             "medical_adjustment_reason"],
            ["balance:sum"],
        )
        # The receivable side of the same write-offs: what the journal took off the parties.
        write_off_journal = -Line._read_group(
            [*dated, ("medical_entry_kind", "=", "write_off"),
             ("medical_party_role", "!=", False)],
            [], ["balance:sum"],
        )[0][0]
        write_off_lines = [
            {
                "date": item.date,
                "name": item.move_id.name,
                "patient": item.medical_charge_id.patient_id.sudo(False).name,
                "party": item.partner_id.name or "",
                "charge": item.medical_charge_id.display_name or "",
                "reason": self._write_off_reason_label(
                    item.medical_write_off_reason_id, item.medical_adjustment_group,
                    item.medical_adjustment_reason,
                ),
                "amount": item.balance,
            }
            for item in write_off_items
        ]
        # The charges under the user's rights, their reversal entries as superuser.
        reversal_moves = self.env["account.move"].sudo()._search([
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ])
        reversals = self.env["medical.charge"].search([
            ("company_id", "=", company.id),
            ("state", "=", "reversed"),
            ("reversal_move_id", "in", reversal_moves),
            *self._clinic_domain(clinic),
        ], order="date_service, id")
        reversal_journal = -Line._read_group(
            [
                ("company_id", "=", company.id),
                ("medical_charge_id", "in", reversals.ids),
                ("move_id", "in", reversals.reversal_move_id.ids),
                ("medical_entry_kind", "=", "charge"),
                ("medical_party_role", "!=", False),
            ],
            [], ["balance:sum"],
        )[0][0]
        reversal_lines = [
            {
                "date": charge.sudo().reversal_move_id.date,
                "name": charge.sudo().reversal_move_id.name,
                "patient": charge.patient_id.name,
                "charge": charge.display_name,
                "amount": charge.amount_fee_total,
            }
            for charge in reversals
        ]
        write_off_total = currency.round(sum(line["amount"] for line in write_off_lines))
        reversal_total = currency.round(sum(line["amount"] for line in reversal_lines))
        return {
            "write_offs": {
                "lines": write_off_lines,
                "by_reason": [
                    {"reason": self._write_off_reason_label(reason, group, code),
                     "total": currency.round(amount)}
                    for reason, group, code, amount in by_reason
                ],
                "total": write_off_total,
            },
            "reversals": {"lines": reversal_lines, "total": reversal_total},
            "total": currency.round(write_off_total + reversal_total),
            "journal_total": currency.round(write_off_journal + reversal_journal),
        }

    def _write_off_reason_label(self, reason, adjustment_group, adjustment_reason):
        if reason:
            return reason.name
        if adjustment_group or adjustment_reason:
            return "-".join(filter(None, (adjustment_group, adjustment_reason)))
        return _("No reason")
