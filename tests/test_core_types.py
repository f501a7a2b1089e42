"""A place to post is a value: a channel of a workspace on a platform, or one person's DMs."""

from __future__ import annotations

import dataclasses

from bot.core.types import Place, Post


def test_a_direct_message_is_its_own_kind_not_a_channel_name():
    post = Post.direct("slack", "U1", "your reminder", workspace="T1")
    assert post.channel == "" and post.direct_user == "U1"
    assert post.place == Place("slack", "", "T1", "U1") and post.place.is_direct
    assert not Post("slack", "C1", "hello").place.is_direct


def test_a_stored_target_names_the_same_place_back():
    for place in (Place("discord", "1234"), Place.direct("slack", "U1")):
        assert Place.from_target(place.platform, place.as_target()) == place
    assert Place.from_target("slack", "@U1").user == "U1"


def test_a_post_stored_before_direct_messages_had_their_own_field_reads_back_as_one():
    old = {**dataclasses.asdict(Post("slack", "C1", "hi")), "channel": "@U1"}
    old.pop("user")
    old.pop("workspace")
    assert Post(**old).place == Place.direct("slack", "U1")
    assert Post.to(Place("discord", "42", "G1"), "hi", thread="7").place == Place(
        "discord", "42", "G1")
