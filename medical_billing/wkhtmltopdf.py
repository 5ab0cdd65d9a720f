import functools
import subprocess

from odoo.tools import find_in_path


@functools.cache
def wkhtmltopdf_is_patched():
    """Whether this machine's wkhtmltopdf is built on patched Qt, as Odoo recommends: only
    such a build renders several documents in one call, with headers and footers; another
    build prints one document a call and Odoo warns of it. False without wkhtmltopdf."""
    try:
        version = subprocess.run([find_in_path("wkhtmltopdf"), "--version"],
                                 capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return "patched qt" in version.stdout.lower()
