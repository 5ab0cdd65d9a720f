# The X12 layer lives in the `edi` subpackage, which has no Odoo imports and is used
# directly (`from odoo.addons.medical_billing_edi import edi`), even without Odoo
# (`from medical_billing_edi import edi`, as benchmarks/bench_edi.py does). The models
# wiring it to claims, batches and their answers load only as an Odoo addon.
if __name__.startswith("odoo.addons."):
    from . import models
    from . import wizards
