"""Keywords: suggestions for articles without any, and the glossary of acronyms they define."""

from publisher.keywords.acronyms import find_glossary
from publisher.keywords.editing import KeywordEdit, KeywordSettings, annotate, edit_keywords
from publisher.keywords.segment import SEGMENTERS, nlp_available
from publisher.keywords.suggest import article_glossary, suggest_keywords

__all__ = [
    "SEGMENTERS",
    "KeywordEdit",
    "KeywordSettings",
    "annotate",
    "article_glossary",
    "edit_keywords",
    "find_glossary",
    "nlp_available",
    "suggest_keywords",
]
