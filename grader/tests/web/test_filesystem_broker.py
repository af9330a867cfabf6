"""The embedded broker writes each message whole before a worker can see it
(config.filesystem_broker): kombu's own transport wrote in place, and a worker
that read a message half written stopped for good."""

import os

import pytest
from kombu import Connection
from kombu.transport.virtual import Empty

from config import filesystem_broker


@pytest.fixture
def channel(tmp_path):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path), "store_processed": False}
    with Connection(transport=filesystem_broker.Transport, transport_options=options) as connection:
        yield connection.default_channel


def test_filesystem_urls_get_this_transport():
    with Connection("filesystem://") as connection:  # the alias is set with the Celery app (config/celery.py)
        assert isinstance(connection.transport, filesystem_broker.Transport)


def test_a_message_being_written_is_not_seen_and_then_arrives_whole(channel, tmp_path, monkeypatch):
    seen_while_writing = []
    rename = os.replace

    def consumer_looks_first(partial, final):
        # the moment kombu's transport was exposed: the file is written, not yet in place
        try:
            seen_while_writing.append(channel._get("grading"))
        except Empty:
            seen_while_writing.append(None)
        rename(partial, final)

    monkeypatch.setattr(filesystem_broker.os, "replace", consumer_looks_first)
    channel._put("grading", {"body": "x" * 100_000})
    assert seen_while_writing == [None]
    assert channel._get("grading") == {"body": "x" * 100_000}
    assert os.listdir(tmp_path) == []  # nothing partial left behind


def test_each_queue_gets_its_own_messages_all_of_them(channel):
    for n in range(5):
        channel._put("grading", {"n": n})
    channel._put("other", {"n": "elsewhere"})
    assert sorted(channel._get("grading")["n"] for _ in range(5)) == [0, 1, 2, 3, 4]  # like kombu's: no order promised
    with pytest.raises(Empty):
        channel._get("grading")
    assert channel._get("other") == {"n": "elsewhere"}
