import functools
from contextlib import contextmanager

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

# The flag of a running billing operation lives on the transaction's cursor, not in the
# context: a client sends its own context with every call, and could raise a context key.
BILLING_OPERATION_KEY = "medical_billing_operation"


@contextmanager
def billing_operation(env):
    """Billing code changes the states and entry links of its records inside this block."""
    depth = env.cr.cache.get(BILLING_OPERATION_KEY, 0)
    env.cr.cache[BILLING_OPERATION_KEY] = depth + 1
    try:
        yield
    finally:
        env.cr.cache[BILLING_OPERATION_KEY] = depth


def billing_operation_method(method):
    """Run ``method`` as a billing operation (see billing_operation)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with billing_operation(self.env):
            return method(self, *args, **kwargs)
    return wrapper


def in_billing_operation(env):
    return bool(env.cr.cache.get(BILLING_OPERATION_KEY))


def check_money_delete_rights(env):
    """Deleting money (payments, refunds, transfers, EOBs, bulk write-offs) is for the
    Billing Manager only: the ledger is undone by billing code, as superuser, after this."""
    if not env.su and not env.user.has_group("medical_billing.group_medical_billing_manager"):
        raise AccessError(env._(
            "Only a Billing Manager deletes payments, refunds, transfers, EOBs and bulk "
            "write-offs. Ask one to delete it; nothing was changed."
        ))


class MedicalPostedGuardMixin(models.AbstractModel):
    """Posted money records are frozen on the server, whatever the client sends.

    Their state and entry links (``_medical_protected_fields``) are set by the billing
    operations only (posting, reversing, deleting), never from create or write values;
    once posted, only the fields of ``_medical_editable_after_posting`` (and the chatter's)
    change. A model says what "posted" means for its records in ``_medical_is_frozen``."""

    _name = "medical.posted.guard.mixin"
    _description = "Frozen once posted"

    _medical_protected_fields = frozenset({"state", "move_id"})
    _medical_editable_after_posting = frozenset()

    def _medical_frozen_hint(self):
        """What to do instead, in the refusal's message."""
        return ""

    def _medical_is_frozen(self):
        self.ensure_one()
        return self.state != "draft"

    def _medical_refuse_protected(self, field_names):
        protected = sorted(set(field_names) & self._medical_protected_fields)
        if protected and not in_billing_operation(self.env):
            raise UserError(_(
                "%(fields)s of %(model)s are set by posting, reversing or deleting it in "
                "Billing, never directly. Nothing was changed.",
                fields=", ".join(self._fields[name].string for name in protected),
                model=self._description,
            ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._medical_refuse_protected(vals)
        records = super().create(vals_list)
        if not in_billing_operation(self.env) and any(
                record._medical_is_frozen() for record in records):
            raise UserError(_(
                "Nothing can be added to a posted %(model)s. %(hint)s",
                model=self._description, hint=records[:1]._medical_frozen_hint(),
            ))
        return records

    def write(self, vals):
        self._medical_refuse_protected(vals)
        frozen = {
            name for name in vals
            if name not in self._medical_editable_after_posting
            and not name.startswith(("message_", "activity_"))
        }
        if frozen and not in_billing_operation(self.env) \
                and any(record._medical_is_frozen() for record in self):
            raise UserError(_(
                "This %(model)s is posted and kept as posted (%(fields)s cannot change). "
                "%(hint)s",
                model=self._description,
                fields=", ".join(sorted(self._fields[name].string for name in frozen)),
                hint=self._medical_frozen_hint(),
            ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_frozen(self):
        if not in_billing_operation(self.env) and any(
                record._medical_is_frozen() for record in self):
            raise UserError(_(
                "Only draft records can be deleted: a posted %(model)s is kept for the "
                "trail. %(hint)s",
                model=self._description, hint=self._medical_frozen_hint(),
            ))
