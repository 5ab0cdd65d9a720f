from odoo import api, models

# Where _prepare_create_values keeps the readonly precomputed values until
# _add_precomputed_values puts them back.
GIVEN_KEY = "__medical_readonly_precomputed__"


class MedicalCompleteValues(models.AbstractModel):
    """Create billing entries and their items from values that already hold every
    precomputed value (account.move._medical_entry_vals, inside its context
    ``medical_complete_vals``).

    Odoo discards the readonly precomputed values given to create and computes them again,
    which builds a draft record of each row; it runs the inverse of every computed value
    given; and it computes the other stored computed fields after the rows are inserted,
    whatever values were given for them. Here the given values are kept, as Odoo keeps its
    own precomputed values: no draft record, no inverse, no second computation (a later
    change of what they depend on still recomputes them). test_entry_vals and
    test_ledger.test_billing_items_hold_the_values_odoo_computes check that they are the
    values Odoo computes."""

    _name = "medical.complete.values.mixin"
    _description = "Create from complete values"

    def _prepare_create_values(self, vals_list):
        if not self.env.context.get("medical_complete_vals"):
            return super()._prepare_create_values(vals_list)
        readonly = [name for name, field in self._fields.items()
                    if field.precompute and field.readonly]
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
        given_computed = {name for data in data_list for name in data["stored"]
                          if self._fields[name].compute}
        for name in given_computed:
            given = [record.id for record, data in zip(records, data_list, strict=True)
                     if name in data["stored"]]
            self.env.remove_to_compute(self._fields[name], self.browse(given))
        return records
