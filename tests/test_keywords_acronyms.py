"""Acronyms defined as ``full phrase (ACRONYM)``: the glossary."""

from __future__ import annotations

import unicodedata

import pytest

from publisher.keywords import find_glossary
from publisher.keywords.acronyms import acronym_letters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thực hiện công tác dân tộc (CTDT) và chính sách dân tộc (CSDT).",
         {"CTDT": "công tác dân tộc", "CSDT": "chính sách dân tộc"}),
        ("vùng đồng bào dân tộc thiểu số (DTTS) nói riêng",
         {"DTTS": "dân tộc thiểu số"}),
        ("Hội đồng nhân dân (HĐND) và Ủy ban nhân dân (UBND) thành phố",
         {"HĐND": "Hội đồng nhân dân", "UBND": "Ủy ban nhân dân"}),
        ("Kết quả. Công tác dân tộc (CTDT) là nhiệm vụ.", {"CTDT": "Công tác dân tộc"}),
        ("the World Health Organization (WHO) said", {"WHO": "World Health Organization"}),
        ("the Department of Health (DOH) and", {"DOH": "Department of Health"}),
        ("Bộ Lao động - Thương binh và Xã hội (LĐTBXH)",
         {"LĐTBXH": "Lao động - Thương binh và Xã hội"}),
        ("non-governmental groups (NGOs) and", {}),
        ("at 9 am (GMT), in Hanoi (Vietnam)", {}),
        ("Ban Dân tộc (BDT). Sau đó, Ban Dân tộc (BDTX)", {"BDT": "Ban Dân tộc"}),
    ],
)  # fmt: skip
def test_definitions(text, expected):
    assert find_glossary(text) == expected


def test_first_definition_wins_and_nfd_is_read():
    text = "Ban Dân tộc (BDT) họp. Ban Dự thảo (BDT) họp."
    assert find_glossary(text) == {"BDT": "Ban Dân tộc"}
    assert find_glossary(unicodedata.normalize("NFD", "Hội đồng nhân dân (HĐND)")) == {
        "HĐND": "Hội đồng nhân dân"
    }


def test_acronym_letters():
    assert acronym_letters("HĐND") == "HDND"
    assert acronym_letters("NGOs") == "NGO"
    assert acronym_letters("Hanoi") == ""
    assert acronym_letters("A") == ""
