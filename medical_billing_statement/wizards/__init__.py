from . import medical_billing_settings, medical_collections_wizard
