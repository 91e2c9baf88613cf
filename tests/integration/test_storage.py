"""Contract tests of the storage port (backend/core/storage.py), run against both backends.

``LocalStorage`` writes under ``tmp_path``; ``S3Storage`` talks HTTP to a real S3 server
(moto's ``ThreadedMotoServer``) on the loopback interface. No database, no app fixture: the
``get_storage`` tests build a bare Flask app.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import uuid
from collections.abc import Callable, Iterator

import boto3
import pytest
from botocore.config import Config
from flask import Flask

from backend.config import ConfigError
from backend.core.files import FileTooLarge, HashingReader
from backend.core.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    StorageNotFound,
    get_storage,
    init_app,
)

MiB = 1024 * 1024
#: The smallest part size S3 accepts; S3 tests use it so multipart uploads are exercised.
S3_PART_SIZE = 5 * MiB
#: Dummy credentials of the in-process S3 server (never real ones).
ACCESS_KEY_ID = "test-access-key"
SECRET_ACCESS_KEY = "test-secret-key"
REGION = "us-east-1"


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of an S3 server on 127.0.0.1 (random port), for the whole session."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as patch:
        # A proxy from the environment must not intercept loopback traffic.
        for name in ("NO_PROXY", "no_proxy"):
            patch.setenv(name, ",".join(filter(None, ["127.0.0.1", os.environ.get(name)])))
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            yield f"http://{host}:{port}"
        finally:
            server.stop()
            server._server.server_close()  # stop() leaves the listening socket open


def s3_client(endpoint: str):
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=Config(s3={"addressing_style": "path"}),
    )


@pytest.fixture(scope="session")
def s3_bucket(s3_endpoint) -> str:
    bucket = f"dvc-test-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture
def make_s3_storage(s3_endpoint, s3_bucket) -> Callable[..., S3Storage]:
    def factory(prefix: str | None = None) -> S3Storage:
        return S3Storage(
            bucket=s3_bucket,
            prefix=prefix if prefix is not None else f"test-{uuid.uuid4().hex}",
            endpoint_url=s3_endpoint,
            region=REGION,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
            part_size=S3_PART_SIZE,
        )

    return factory


@pytest.fixture(scope="session")
def shared_s3_storage(s3_endpoint, s3_bucket) -> S3Storage:
    """One S3 storage for the contract tests (building a boto3 client takes a while); every
    test uses keys of its own."""
    return S3Storage(
        bucket=s3_bucket,
        prefix="contract",
        endpoint_url=s3_endpoint,
        region=REGION,
        access_key_id=ACCESS_KEY_ID,
        secret_access_key=SECRET_ACCESS_KEY,
        part_size=S3_PART_SIZE,
    )


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path) -> Storage:
    """Each backend: an empty folder, or the session's bucket (keys are unique per test)."""
    if request.param == "local":
        return LocalStorage(tmp_path / "files")
    return request.getfixturevalue("shared_s3_storage")


def new_key(name: str = "") -> str:
    return f"dossiers/{uuid.uuid4()}/{name or uuid.uuid4().hex}"


def read_all(storage: Storage, key: str) -> bytes:
    with storage.open(key) as stream:
        return stream.read()


# --- streams ------------------------------------------------------------------------------


class GeneratedStream(io.RawIOBase):
    """``total`` pseudo-random bytes made on demand (never all in memory), non-seekable.

    Records the largest read asked of it; ``fail_after`` raises ``OSError`` once that many
    bytes have been served (a client that disconnects mid-upload).
    """

    def __init__(self, total: int, *, seed: int = 0, fail_after: int | None = None):
        self.total = total
        self.position = 0
        self.largest_read = 0
        self.fail_after = fail_after
        self._random = random.Random(seed)
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.largest_read = max(self.largest_read, len(buffer))
        if self.fail_after is not None and self.position >= self.fail_after:
            raise OSError("connection reset by the client")
        size = min(len(buffer), self.total - self.position)
        if self.fail_after is not None:
            size = min(size, self.fail_after - self.position)
        data = self._random.randbytes(size)
        buffer[:size] = data
        self.sha256.update(data)
        self.position += size
        return size


def digest_of(storage: Storage, key: str) -> str:
    digest = hashlib.sha256()
    with storage.open(key) as stream:
        while chunk := stream.read(256 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# --- contract -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(bytes(range(256)) * 64, id="all-byte-values"),
        pytest.param(b"", id="empty"),
        pytest.param("Tờ khai đăng ký khai sinh\r\n\x00".encode(), id="utf8-text"),
    ],
)
def test_round_trip(storage, content):
    key = new_key()
    storage.put(key, io.BytesIO(content), content_type="application/octet-stream")
    assert read_all(storage, key) == content
    assert storage.exists(key)
    assert storage.size(key) == len(content)


@pytest.mark.parametrize("announce_size", [False, True])
def test_large_upload_is_streamed(storage, announce_size):
    total = 6 * MiB + 12345  # above the S3 part size: a multipart upload there
    source = GeneratedStream(total, seed=42)
    key = new_key()
    storage.put(key, source, content_type="application/pdf", size=total if announce_size else None)
    assert source.position == total
    assert source.largest_read <= 8 * MiB  # read piece by piece, never all at once
    assert storage.size(key) == total
    assert digest_of(storage, key) == source.sha256.hexdigest()


def test_open_returns_a_readable_stream_in_pieces(storage):
    key = new_key()
    content = random.Random(1).randbytes(300_000)
    storage.put(key, io.BytesIO(content), content_type="image/png")
    pieces = []
    with storage.open(key) as stream:
        while piece := stream.read(65536):
            pieces.append(piece)
    assert b"".join(pieces) == content


def test_overwrite_replaces_content_and_size(storage):
    key = new_key()
    storage.put(key, io.BytesIO(b"first version, longer"), content_type="text/plain")
    storage.put(key, io.BytesIO(b"second"), content_type="text/plain")
    assert read_all(storage, key) == b"second"
    assert storage.size(key) == 6


def test_readers_see_the_old_content_until_the_new_one_is_complete(storage):
    key = new_key()
    storage.put(key, io.BytesIO(b"old"), content_type="text/plain")
    seen = []

    class Observed(io.RawIOBase):
        def __init__(self):
            self.source = io.BytesIO(b"new content " * 1000)

        def readable(self):
            return True

        def readinto(self, buffer):
            seen.append(read_all(storage, key))
            return self.source.readinto(buffer)

    storage.put(key, Observed(), content_type="text/plain")
    assert seen and set(seen) == {b"old"}
    assert read_all(storage, key) == b"new content " * 1000


def test_missing_key(storage):
    key = new_key()
    assert not storage.exists(key)
    with pytest.raises(StorageNotFound) as caught:
        storage.open(key)
    assert isinstance(caught.value, KeyError)
    assert caught.value.key == key
    with pytest.raises(StorageNotFound):
        storage.size(key)


def test_delete_is_idempotent(storage):
    key = new_key()
    storage.delete(key)  # nothing there: no error
    storage.put(key, io.BytesIO(b"x"), content_type="text/plain")
    storage.delete(key)
    assert not storage.exists(key)
    with pytest.raises(StorageNotFound):
        storage.open(key)
    storage.delete(key)


@pytest.mark.parametrize(
    "key",
    [
        "../x",
        "dossiers/../../etc/passwd",
        "/abs",
        "/dossiers/x",
        "A B",
        "Dossiers/x",
        "Tờ khai.pdf",
        "dossiers/abc/to-khai.pdf",
        "",
        ".hidden",
        "-x/..",
        "a//b",
        "a/",
        "a\\b",
        "a\x00b",
        "a\nb",
        "x" * 202,
    ],
)
def test_invalid_keys_are_rejected(storage, key):
    with pytest.raises(ValueError):
        storage.put(key, io.BytesIO(b"x"), content_type="text/plain")
    for operation in (storage.open, storage.delete, storage.exists, storage.size):
        with pytest.raises(ValueError):
            operation(key)


def test_longest_valid_key(storage):
    key = f"dossiers/{uuid.uuid4()}/".ljust(201, "k")
    assert len(key) == 201
    storage.put(key, io.BytesIO(b"x"), content_type="text/plain")
    assert storage.exists(key)


def test_many_keys_under_one_prefix(storage):
    dossier = f"dossiers/{uuid.uuid4()}"
    contents = {f"{dossier}/{index:02d}": bytes([index]) * index for index in range(40)}
    for key, content in contents.items():
        storage.put(key, io.BytesIO(content), content_type="application/pdf")
    for key, content in contents.items():
        assert storage.exists(key)
        assert storage.size(key) == len(content)
        assert read_all(storage, key) == content
    # The prefix itself is not an object.
    assert not storage.exists(dossier)
    with pytest.raises(StorageNotFound):
        storage.open(dossier)
    removed = next(iter(contents))
    storage.delete(removed)
    assert not storage.exists(removed)
    assert all(storage.exists(key) for key in contents if key != removed)


@pytest.mark.parametrize("fail_after", [0, 1 * MiB, 6 * MiB], ids=["at-once", "1MiB", "6MiB"])
def test_failing_stream_stores_nothing(storage, fail_after):
    key = new_key()
    with pytest.raises(OSError, match="connection reset"):
        storage.put(key, GeneratedStream(8 * MiB, fail_after=fail_after), content_type="a/b")
    assert not storage.exists(key)
    with pytest.raises(StorageNotFound):
        storage.open(key)


def test_failing_overwrite_keeps_the_previous_object(storage):
    key = new_key()
    storage.put(key, io.BytesIO(b"signed result"), content_type="application/pdf")
    with pytest.raises(OSError):
        storage.put(key, GeneratedStream(2 * MiB, fail_after=MiB), content_type="a/b")
    assert read_all(storage, key) == b"signed result"


def test_hashing_reader_through_put(storage):
    key = new_key()
    content = random.Random(7).randbytes(3 * MiB)
    reader = HashingReader(io.BytesIO(content), limit=3 * MiB)
    storage.put(key, reader, content_type="application/pdf")
    assert reader.size == len(content) == storage.size(key)
    assert reader.hexdigest == hashlib.sha256(content).hexdigest() == digest_of(storage, key)


def test_too_large_upload_stores_nothing(storage):
    key = new_key()
    reader = HashingReader(GeneratedStream(7 * MiB), limit=6 * MiB)
    with pytest.raises(FileTooLarge) as caught:
        storage.put(key, reader, content_type="application/pdf")
    assert caught.value.limit == 6 * MiB
    assert not storage.exists(key)


@pytest.mark.parametrize(("actual", "announced"), [(10, 11), (10, 9), (0, 1), (1, 0)])
def test_announced_size_must_match(storage, actual, announced):
    key = new_key()
    with pytest.raises(ValueError, match="announced"):
        storage.put(key, io.BytesIO(b"x" * actual), content_type="text/plain", size=announced)
    assert not storage.exists(key)


def test_content_type_is_required(storage):
    with pytest.raises(ValueError):
        storage.put(new_key(), io.BytesIO(b"x"), content_type="")


# --- LocalStorage specifics ---------------------------------------------------------------


def test_local_writes_atomically_and_cleans_up(tmp_path):
    storage = LocalStorage(tmp_path / "files")
    key = "dossiers/0b8f/attachment"
    with pytest.raises(OSError):
        storage.put(key, GeneratedStream(3 * MiB, fail_after=2 * MiB), content_type="a/b")
    folder = tmp_path / "files" / "dossiers" / "0b8f"
    assert not (folder / "attachment").exists()
    assert list(folder.iterdir()) == []  # no temporary file left behind
    storage.put(key, io.BytesIO(b"ok"), content_type="text/plain")
    assert sorted(path.name for path in folder.iterdir()) == ["attachment"]
    assert (folder / "attachment").read_bytes() == b"ok"


def test_local_permissions(tmp_path):
    storage = LocalStorage(tmp_path / "files")
    storage.put("dossiers/abc/def", io.BytesIO(b"x"), content_type="text/plain")
    file_mode = stat.S_IMODE((tmp_path / "files" / "dossiers" / "abc" / "def").stat().st_mode)
    assert file_mode == 0o640
    for folder in ("files", "files/dossiers", "files/dossiers/abc"):
        mode = stat.S_IMODE((tmp_path / folder).stat().st_mode)
        assert mode & 0o007 == 0, folder  # nothing for others
        assert mode & 0o700 == 0o700


def test_local_key_that_is_a_folder_is_not_found(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put("a/b", io.BytesIO(b"x"), content_type="text/plain")
    assert not storage.exists("a")
    with pytest.raises(StorageNotFound):
        storage.size("a")
    storage.delete("a")
    assert storage.exists("a/b")


# --- S3Storage specifics ------------------------------------------------------------------


def test_s3_objects_live_under_the_prefix_with_their_content_type(
    make_s3_storage, s3_endpoint, s3_bucket
):
    storage = make_s3_storage(prefix="/tenant-1/files/")
    assert storage.prefix == "tenant-1/files/"
    storage.put("dossiers/x/y", io.BytesIO(b"%PDF-1.7"), content_type="application/pdf")
    head = s3_client(s3_endpoint).head_object(Bucket=s3_bucket, Key="tenant-1/files/dossiers/x/y")
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == 8


def test_s3_failed_multipart_upload_is_aborted(make_s3_storage, s3_endpoint, s3_bucket):
    storage = make_s3_storage()
    with pytest.raises(OSError):
        stream = GeneratedStream(20 * MiB, fail_after=11 * MiB)
        storage.put("dossiers/x/y", stream, content_type="a/b")
    assert not storage.exists("dossiers/x/y")
    uploads = s3_client(s3_endpoint).list_multipart_uploads(Bucket=s3_bucket, Prefix=storage.prefix)
    assert uploads.get("Uploads", []) == []


def test_s3_client_settings(make_s3_storage):
    config = make_s3_storage().client.meta.config
    assert config.connect_timeout == 5
    assert config.read_timeout == 30
    assert config.retries == {"total_max_attempts": 4, "mode": "standard"}  # 3 retries
    assert config.s3["addressing_style"] == "path"


def test_s3_credentials_come_in_pairs():
    with pytest.raises(ValueError):
        S3Storage("bucket", access_key_id="only-the-id")


# --- get_storage / init_app ---------------------------------------------------------------


def make_app(**config) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    return app


def test_get_storage_local_is_built_once(tmp_path):
    app = make_app(STORAGE_BACKEND="local", STORAGE_LOCAL_DIR=str(tmp_path / "files"))
    storage = get_storage(app)
    assert isinstance(storage, LocalStorage)
    assert storage.root == (tmp_path / "files").resolve()
    assert get_storage(app) is storage
    assert app.extensions["storage"] is storage
    with app.app_context():
        assert get_storage() is storage


def test_get_storage_s3_from_config(s3_endpoint, s3_bucket):
    app = make_app(
        STORAGE_BACKEND="s3",
        S3_BUCKET=s3_bucket,
        S3_PREFIX="via-config",
        S3_ENDPOINT_URL=s3_endpoint,
        S3_REGION=REGION,
        S3_ACCESS_KEY_ID=ACCESS_KEY_ID,
        S3_SECRET_ACCESS_KEY=SECRET_ACCESS_KEY,
    )
    init_app(app)
    storage = get_storage(app)
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == (s3_bucket, "via-config/")
    key = new_key()
    storage.put(key, io.BytesIO(b"through the app"), content_type="text/plain")
    assert read_all(storage, key) == b"through the app"


def test_init_app_rebuilds_from_the_current_config(tmp_path):
    app = make_app(STORAGE_BACKEND="local", STORAGE_LOCAL_DIR=str(tmp_path / "one"))
    first = get_storage(app)
    app.config["STORAGE_LOCAL_DIR"] = str(tmp_path / "two")
    init_app(app)
    assert get_storage(app) is not first
    assert get_storage(app).root == (tmp_path / "two").resolve()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": None}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "id"}, "S3_ACCESS_KEY_ID"),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"STORAGE_BACKEND": "local", "STORAGE_LOCAL_DIR": ""}, "STORAGE_LOCAL_DIR"),
    ],
)
def test_init_app_refuses_bad_config(config, message):
    app = make_app(**config)
    with pytest.raises(ConfigError, match=message):
        init_app(app)
    assert "storage" not in app.extensions
