# The X12 layer lives in the `edi` subpackage, which has no Odoo imports and is used
# directly (`from odoo.addons.medical_billing_edi import edi`). Models come later.
