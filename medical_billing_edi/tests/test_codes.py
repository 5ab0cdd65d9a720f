from odoo.tests import tagged

from ..edi import codes
from .common import EdiCase

REQUIRED = {
    "group": ["CO", "PR", "OA", "PI", "CR"],
    "carc": ["1", "2", "3", "4", "16", "18", "29", "45", "50", "96", "97", "197", "253", "23"],
    "rarc": ["N130", "M15", "MA01", "MA18", "N4"],
    "plb": ["L6", "WO", "FB", "72", "CS"],
    "claim_status": ["1", "2", "3", "4", "19", "22", "23", "25"],
}


@tagged("post_install", "-at_install")
class TestCodes(EdiCase):
    def test_common_codes_are_described(self):
        for list_name, wanted in REQUIRED.items():
            for code in wanted:
                self.assertNotEqual(
                    codes.describe(list_name, code), codes.UNKNOWN, (list_name, code)
                )

    def test_descriptions(self):
        self.assertEqual(codes.adjustment_reason("1"), "Deductible amount")
        self.assertEqual(codes.adjustment_group("co"), codes.describe("group", "CO"))
        self.assertEqual(codes.remark(" n130 "), codes.describe("rarc", "N130"))

    def test_unknown_code_is_not_an_error(self):
        self.assertEqual(codes.adjustment_reason("Q999"), "unknown code")
        self.assertEqual(codes.remark(""), "unknown code")
        with self.assertRaises(KeyError):
            codes.describe("no_such_list", "1")

    def test_every_list_is_loaded(self):
        for list_name in codes.LISTS:
            self.assertTrue(codes.codes(list_name), list_name)
        self.assertGreater(len(codes.codes("carc")), 250)
