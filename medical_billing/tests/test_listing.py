import re
from pathlib import Path

from odoo.modules.module import get_manifest, get_module_path
from odoo.tests import TransactionCase, tagged

ADDONS = ["medical_billing", "medical_billing_claim", "medical_billing_edi",
          "medical_billing_statement"]


@tagged("post_install", "-at_install")
class TestAppsListing(TransactionCase):
    """Each addon's Apps page: its icon, its description page and the screenshots the page
    and the manifest name, all present."""

    def test_each_addon_has_its_page_icon_and_screenshots(self):
        for addon in ADDONS:
            path = get_module_path(addon, display_warning=False)
            if not path:
                continue  # an addon of the repository not on this addons path
            description = Path(path) / "static" / "description"
            self.assertTrue((description / "icon.png").is_file(), addon)
            page = (description / "index.html").read_text()
            shots = re.findall(r'<img[^>]* src="([^"]+)"', page)
            self.assertTrue(shots, f"{addon}: the page shows no screenshot")
            for shot in shots:
                self.assertTrue((description / shot).is_file(), f"{addon}: {shot}")
            images = get_manifest(addon)["images"]
            self.assertTrue(images, f"{addon}: no cover image in the manifest")
            for image in images:
                self.assertTrue((Path(path) / image).is_file(), f"{addon}: {image}")
            for words in ("What it needs", "How to start"):
                self.assertIn(words, page, addon)
