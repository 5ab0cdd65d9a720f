from odoo.tests import tagged

from ..edi import X12ParseError, read_277ca, read_835, read_999
from .common import EdiCase, fixture, segments

UTF8_BOM = b"\xef\xbb\xbf"


@tagged("post_install", "-at_install")
class TestMalformedFiles(EdiCase):
    def assertRejected(self, reader, text, segment_id, position, words, **kwargs):
        """Reading fails, naming the segment and position; return the issues."""
        with self.assertRaises(X12ParseError) as caught:
            reader(text, **kwargs)
        issues = caught.exception.issues
        self.assertTrue(
            any(
                i.segment_id == segment_id and i.position == position and words in i.message
                for i in issues
            ),
            f"no issue at {segment_id}@{position} with {words!r} in {[str(i) for i in issues]}",
        )
        return issues

    def test_truncated_in_the_middle_of_a_segment(self):
        text = fixture("835_paid.x12")
        cut = text[: text.index("CAS*PR*1*20") + 8]  # ends inside the CAS at position 30
        for validate in (True, False):
            issues = self.assertRejected(
                read_835, cut, "CAS", 30, "incomplete segment", validate=validate
            )
            self.assertTrue(any("Transaction Set Trailer" in i.message for i in issues))

    def test_truncated_at_a_segment_boundary(self):
        text = fixture("835_paid.x12")
        cut = text[: text.index("SE*")]
        self.assertRejected(read_835, cut, "ST", 3, '"Transaction Set Trailer" (SE=0001) missing')

    def test_corrupted_amount(self):
        text = fixture("835_paid.x12").replace("CLP*PCN1002*1*200*", "CLP*PCN1002*1*2O0*")
        issues = self.assertRejected(read_835, text, "CLP", 25, "invalid character")
        self.assertEqual(issues[0].element, "CLP03")
        self.assertEqual(issues[0].set_position, 23)
        # Without pyx12's validation our own conversion still names the spot.
        self.assertRejected(read_835, text, "CLP", 25, "not a number", validate=False)

    def test_unknown_segment(self):
        text = fixture("277ca_payer_accepted.x12").replace("REF*1K*ACME0001~", "XYZ*1K*ACME0001~")
        self.assertRejected(read_277ca, text, "XYZ", 26, "Segment XYZ*1K not found")

    def test_wrong_segment_count(self):
        text = fixture("999_rejected.x12").replace("SE*9*0001", "SE*8*0001")
        for validate in (True, False):
            self.assertRejected(read_999, text, "SE", 11, "SE count of 8", validate=validate)

    def test_wrong_transaction_type(self):
        self.assertRejected(
            read_835, fixture("999_accepted.x12"), "GS", 2, "is not an 835 remittance advice"
        )
        self.assertRejected(
            read_999,
            fixture("835_paid.x12"),
            "GS",
            2,
            "is not a 999 implementation acknowledgement",
        )
        self.assertRejected(read_277ca, fixture("835_crossover.x12"), "GS", 2, "HP 005010X221A1")

    def test_not_x12_at_all(self):
        self.assertRejected(
            read_835, "%PDF-1.4 not an edi file", "%PD", 1, "does not start with an ISA"
        )
        self.assertRejected(read_835, "", "?", 1, "does not start with an ISA")
        self.assertRejected(read_835, "ISA*00*short~", "ISA", 1, "not a readable X12 interchange")

    def test_interchange_without_transaction_set(self):
        isa, gs = fixture("999_accepted.x12").split("~\n")[:2]
        text = f"{isa}~\n{gs}~\nGE*0*301~\nIEA*1*000000301~\n"
        for validate in (True, False):
            self.assertRejected(read_999, text, "IEA", 4, "no transaction set", validate=validate)

    def test_non_ascii_bytes(self):
        data = fixture("835_paid.x12").encode("ascii").replace(b"DOE", b"D\xd6E")
        self.assertRejected(read_835, data, "?", 1, "not ASCII")

    def test_bad_date_without_validation(self):
        text = fixture("835_paid.x12").replace("DTM*472*20240301", "DTM*472*20241301")
        issues = self.assertRejected(
            read_835, text, "DTM", 22, "not a CCYYMMDD date", validate=False
        )
        self.assertEqual(issues[0].element, "DTM02")

    def test_envelope_errors_name_the_faulty_segment(self):
        """A repeated control number at the repeated header, a mismatch at the trailer,
        a trailer missing at the header it should have closed."""
        lines = [f"{seg}~\n" for seg in segments(fixture("999_accepted.x12"))]
        isa, gs, st, *body, se, ge, iea = lines
        group = gs + st + "".join(body) + se + ge  # positions 2..9
        tset = st + "".join(body) + se  # positions 3..8
        next_isa, next_iea = isa.replace("301", "302"), iea.replace("301", "302")
        cases = [
            (isa + group + next_isa + group + next_iea, "ISA", 1, "(IEA=000000301) missing"),
            (isa + group + iea + isa + group + iea, "ISA", 11, "not unique"),
            (isa + group + group + iea.replace("IEA*1", "IEA*2"), "GS", 10, "not unique"),
            (isa + gs + tset + tset + ge.replace("GE*1", "GE*2") + iea, "ST", 9, "not unique"),
            (isa + group + iea.replace("000000301", "000000399"), "IEA", 10, "does not match"),
            (isa + group + iea.replace("IEA*1", "IEA*3"), "IEA", 10, "is wrong"),
            (isa + gs + tset + ge.replace("GE*1*301", "GE*1*399") + iea, "GE", 9, "does not match"),
            (isa + gs + tset + ge.replace("GE*1", "GE*2") + iea, "GE", 9, "is wrong"),
            (isa + gs + tset.replace("SE*6*0001", "SE*6*9") + ge + iea, "SE", 8, "does not match"),
        ]
        for text, segment_id, position, words in cases:
            for validate in (True, False):
                with self.subTest(segment_id=segment_id, words=words, validate=validate):
                    issues = self.assertRejected(
                        read_999, text, segment_id, position, words, validate=validate
                    )
                    self.assertEqual(
                        [(i.segment_id, i.position) for i in issues if words in i.message],
                        [(segment_id, position)],
                    )

    def test_byte_order_mark_and_leading_blank_lines(self):
        text = fixture("999_accepted.x12")
        expected = read_999(text)
        for data in (
            UTF8_BOM + text.encode("ascii"),
            "\ufeff" + text,
            UTF8_BOM + b"\r\n\r\n" + text.encode("ascii"),
            "\ufeff\n " + text,
        ):
            for validate in (True, False):
                with self.subTest(data=data[:6], validate=validate):
                    self.assertEqual(read_999(data, validate=validate), expected)
            self.assertValidX12(data)
        # A bad byte further on is still named at its offset in the file as received.
        data = UTF8_BOM + text.encode("ascii").replace(b"HEALTHYCLINIC", b"HEALTHYCL\xcdNIC", 1)
        offset = data.index(b"\xcd")
        self.assertRejected(read_999, data, "?", 1, f"byte 0xcd at offset {offset}")
