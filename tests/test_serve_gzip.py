"""The course server (courseware/serve.py) sends the build's precompressed files and the cache headers."""

from __future__ import annotations

import pytest
from browser_util import serve
from http_checks import assert_cache_rules, assert_precompressed_served, assert_wheels_not_reencoded

from courseware.serve import accepts_gzip


@pytest.fixture(scope="module")
def base(site_dir):
    with serve(site_dir) as url:
        yield url.rstrip("/")


def test_gzip_copy_when_accepted_plain_file_otherwise(base, site_dir):
    assert_precompressed_served(base, site_dir)


def test_wheels_are_sent_as_they_are(base, site_dir):
    assert_wheels_not_reencoded(base, site_dir)


def test_hashed_theme_files_are_immutable_and_pages_revalidated(base, site_dir):
    assert_cache_rules(base, site_dir)


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br, zstd", True),
    ("br;q=1.0, gzip;q=0.8", True),
    ("*", True),
    ("gzip;q=0", False),
    ("gzip;q=0.000", False),
    ("*;q=0", False),
    ("identity", False),
    ("deflate, br", False),
    ("", False),
    (None, False),
    ("GZIP", True),
    ("gzip;q=abc", False),
])
def test_accept_encoding_negotiation(header, expected):
    assert accepts_gzip(header) is expected
