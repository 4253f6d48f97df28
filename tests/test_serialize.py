"""Items to JSON and back (spool, rejects, feeds): provenance travels, and is not content."""

from __future__ import annotations

import json

from newsbot.storage.serialize import content_hash, dumps, item_from_dict, item_to_dict
from tests.factories import article


def test_provenance_round_trips_through_json():
    original = article(layout="generic", provenance={"title": "jsonld", "published_at": "meta"})
    restored = item_from_dict("Article", json.loads(dumps(item_to_dict(original))))
    assert restored == original
    assert restored.provenance == {"title": "jsonld", "published_at": "meta"}


def test_provenance_is_left_out_of_the_content_hash():
    assert content_hash(article(provenance={"title": "jsonld"})) == content_hash(
        article(provenance={"title": "h1"})
    )
    assert content_hash(article(title="Another")) != content_hash(article())
