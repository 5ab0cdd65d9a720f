{
    "name": "Medical Billing: override test",
    "summary": "Test module: overrides a computation that billing entries are created with, "
               "to prove that it still runs",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Medical Billing Contributors",
    "website": "https://github.com/medical-billing/odoo-medical-billing",
    "category": "Hidden/Tests",
    # Odoo's demo payment provider, for the tests of online statement payments.
    "depends": ["medical_billing", "payment_demo"],
}
