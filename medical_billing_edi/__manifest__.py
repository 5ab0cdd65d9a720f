{
    "name": "Medical Billing EDI",
    "summary": "Electronic claims through a clearinghouse: 837P files out; 999 and 277CA "
    "answers in, read into each claim's status history (X12 on top of pyx12)",
    "version": "18.0.1.3.0",
    "license": "LGPL-3",
    "author": "Medical Billing Contributors",
    "website": "https://github.com/medical-billing/odoo-medical-billing",
    "category": "Accounting/Accounting",
    "images": ["static/description/cover.png"],
    "depends": ["medical_billing_claim"],
    "external_dependencies": {"python": ["pyx12"]},
    "data": [
        "security/ir.model.access.csv",
        "security/medical_billing_edi_rules.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "wizards/medical_claim_answer_import_views.xml",
        "wizards/medical_billing_settings_views.xml",
        "views/medical_claim_answer_views.xml",
        "views/medical_claim_batch_views.xml",
        "views/medical_era_views.xml",
        "views/medical_billing_edi_menus.xml",
    ],
    "demo": [
        "demo/medical_billing_edi_demo.xml",
    ],
}
