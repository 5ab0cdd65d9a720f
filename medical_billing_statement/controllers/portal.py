from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.addons.payment.controllers.portal import PaymentPortal
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request
from odoo.tools import is_html_empty


class StatementPortal(PaymentPortal):
    """A patient's statement online, reached by the link of its e-mail only: the token
    opens that one statement until the link expires, and nothing else."""

    def _statement_by_token(self, statement_id, access_token):
        try:
            statement = self._document_check_access("medical.statement", statement_id,
                                                    access_token)
        except (AccessError, MissingError):
            raise NotFound() from None  # Nothing tells whether the statement exists.
        if not statement._link_is_valid():
            raise NotFound()
        return statement

    @http.route("/my/medical/statements/<int:statement_id>", type="http", auth="public",
                sitemap=False)
    def medical_statement_page(self, statement_id, access_token=None, **kwargs):
        statement = self._statement_by_token(statement_id, access_token)
        # Not a website route (its error pages would need the web assets), so the
        # helpers of frontend pages that the payment form uses are given here.
        return request.render("medical_billing_statement.portal_medical_statement_page", {
            **statement._portal_page_values(access_token), "is_html_empty": is_html_empty,
        })

    @http.route("/my/medical/statements/<int:statement_id>/document", type="http",
                auth="public", sitemap=False)
    def medical_statement_document(self, statement_id, access_token=None, **kwargs):
        statement = self._statement_by_token(statement_id, access_token)
        if not statement.attachment_id:
            raise NotFound()
        return request.env["ir.binary"]._get_stream_from(
            statement.attachment_id).get_response(as_attachment=False)

    @http.route("/my/medical/statements/<int:statement_id>/transaction", type="json",
                auth="public")
    def medical_statement_transaction(self, statement_id, access_token, **kwargs):
        """Create the online payment of a statement, for what its patients owe now."""
        try:
            statement = self._statement_by_token(statement_id, access_token)
        except NotFound:
            raise ValidationError(_("This statement link is not valid any more.")) from None
        amount = statement._amount_payable_now()
        if statement.currency_id.compare_amounts(amount, 0) <= 0:
            raise ValidationError(_("Nothing is due on this statement any more."))
        self._validate_transaction_kwargs(kwargs)
        kwargs.pop("amount", None)  # What is owed now, not what the page was given.
        transaction = self._create_transaction(
            amount=amount, currency_id=statement.currency_id.id,
            partner_id=statement.partner_id.id, reference_prefix=statement.name,
            custom_create_values={"medical_statement_id": statement.id}, **kwargs,
        )
        return transaction._get_processing_values()
