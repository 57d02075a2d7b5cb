"""bangfu's pure matching engine: text normalisation, occupation classifier, scoring, blocking, top-K.

Plain dataclasses in (:class:`Seeker`, :class:`Post`), ranked :class:`Match` objects with Chinese reasons out.
No Flask, no SQLAlchemy, no ``jobs`` or ``web`` imports.
"""

from matching.blocking import PostIndex, SeekerIndex
from matching.engine import (
    MatchStats,
    MatchTable,
    iter_matches,
    match,
    match_one_post,
    match_one_seeker,
    match_table,
    score_matrix,
)
from matching.model import ANY, Match, Post, Seeker
from matching.normalise import JobText, normalise_title, split_titles
from matching.occupations import Classification, Occupation, classify, classify_many, group_of, occupation

__all__ = [
    "ANY",
    "Classification",
    "JobText",
    "Match",
    "MatchStats",
    "MatchTable",
    "Occupation",
    "Post",
    "PostIndex",
    "Seeker",
    "SeekerIndex",
    "classify",
    "classify_many",
    "group_of",
    "iter_matches",
    "match",
    "match_one_post",
    "match_one_seeker",
    "match_table",
    "normalise_title",
    "occupation",
    "score_matrix",
    "split_titles",
]
