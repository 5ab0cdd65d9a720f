from weakref import WeakKeyDictionary

from odoo import api, models

# Where _prepare_create_values keeps the readonly precomputed values until
# _add_precomputed_values puts them back.
GIVEN_KEY = "__medical_readonly_precomputed__"

# Modules whose computations the values of account.move._medical_entry_vals repeat (and
# test_entry_vals compares with): Odoo's ORM, accounting and analytic, and this addon.
KNOWN_MODULES = ("odoo.models", "odoo.fields", "odoo.addons.base.", "odoo.addons.account.",
                 "odoo.addons.analytic.", "odoo.addons.mail.", "odoo.addons.medical_billing.")


def defined_in_known_module(model_class, method_name):
    """Whether every definition of ``method_name`` along the model's classes comes from
    KNOWN_MODULES: no other installed module overrides it."""
    return all(
        cls.__module__.startswith(KNOWN_MODULES)
        for cls in model_class.__mro__ if method_name in vars(cls)
    )


# Model class (one per registry) -> names of the fields whose given values are kept.
_KEPT_FIELDS = WeakKeyDictionary()


def medical_kept_fields(records):
    """Names of the stored computed fields of ``records``' model whose given values
    create keeps: those that no module outside KNOWN_MODULES computes its own way."""
    model_class = type(records)
    kept = _KEPT_FIELDS.get(model_class)
    if kept is None:
        kept = _KEPT_FIELDS[model_class] = frozenset(
            name for name, field in records._fields.items()
            if field.compute and field.store and (
                not isinstance(field.compute, str)  # related fields: the field's own
                or defined_in_known_module(model_class, field.compute)
            )
        )
    return kept


class MedicalCompleteValues(models.AbstractModel):
    """The one fast path of billing entries: create them from values that already hold
    what Odoo would compute (account.move._medical_entry_vals, inside the context
    ``medical_complete_vals``).

    Odoo discards the readonly precomputed values given to create and computes them again,
    which builds a draft record of each row; and it computes the other stored computed
    fields after the rows are inserted, whatever values were given for them. Here the given
    values are kept instead, as Odoo keeps its own precomputed values. That is what makes
    posting charges twice as fast as Odoo's invoices (README, Benchmarks).

    A value is kept only while no other installed module overrides the method that
    computes its field (medical_kept_fields): a localisation or an add-on that computes a
    field its own way gets its computation run, as in any create. Tests:
    test_entry_vals (the values are Odoo's) and medical_billing_override_test (an
    override still runs)."""

    _name = "medical.complete.values.mixin"
    _description = "Create from complete values"

    def _prepare_create_values(self, vals_list):
        if not self.env.context.get("medical_complete_vals"):
            return super()._prepare_create_values(vals_list)
        # Only the values Odoo would not keep itself: the readonly precomputed ones.
        kept = medical_kept_fields(self)
        readonly = [name for name, field in self._fields.items()
                    if field.precompute and field.readonly and name in kept]
        return super()._prepare_create_values([
            {**vals, GIVEN_KEY: {name: vals[name] for name in readonly if name in vals}}
            for vals in vals_list
        ])

    @api.model
    def _add_precomputed_values(self, vals_list):
        precomputable = [field for field in self._fields.values() if field.precompute]
        for vals in vals_list:
            given = vals.pop(GIVEN_KEY, None)
            if given is None:
                continue
            vals.update(given)
            # Complete values are left alone by super(); mark them as Odoo marks its own.
            if all(field.name in vals for field in precomputable):
                vals["__precomputed__"] = set(precomputable)
        return super()._add_precomputed_values(vals_list)

    @api.model
    def _create(self, data_list):
        records = super()._create(data_list)
        if not self.env.context.get("medical_complete_vals"):
            return records
        # Given values of the other stored computed fields are not computed again, unless
        # another module computes them (the values Odoo keeps anyway are not to compute).
        kept = medical_kept_fields(self)
        given_computed = {name for data in data_list for name in data["stored"]
                          if self._fields[name].compute and name in kept}
        for name in given_computed:
            given = [record.id for record, data in zip(records, data_list, strict=True)
                     if name in data["stored"]]
            self.env.remove_to_compute(self._fields[name], self.browse(given))
        return records
