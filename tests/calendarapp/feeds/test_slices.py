"""Slices compressed on their own make one gzip body whose CRC is combined from theirs."""

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st

from calendarapp.feeds import slices


@given(st.lists(st.binary(max_size=3000), max_size=6))
def test_slices_sent_one_after_another_unpack_to_their_bytes_joined(pieces):
    packed = [slices.packed_slice(piece) for piece in pieces]
    body = b"".join(slices.gzip_of(packed))
    assert gzip.decompress(body) == b"".join(pieces)  # gzip checks the CRC and length too
    assert b"".join(slices.unpacked(packed)) == b"".join(pieces)


@given(st.binary(max_size=500), st.binary(max_size=5000))
def test_a_crc_combined_across_a_slice_is_the_crc_of_both(first, second):
    combined = slices.crc_combine(zlib.crc32(first), slices.packed_slice(second))
    assert combined == zlib.crc32(first + second)
