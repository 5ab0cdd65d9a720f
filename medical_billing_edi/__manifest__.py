{
    "name": "Medical Billing EDI",
    "summary": "X12 healthcare EDI: 837P claims out; 999, 277CA and 835 in, on top of pyx12",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Medical Billing Contributors",
    "website": "https://github.com/medical-billing/odoo-medical-billing",
    "category": "Accounting/Accounting",
    "depends": ["medical_billing"],
    "external_dependencies": {"python": ["pyx12"]},
}
