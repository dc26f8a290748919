import gzip
import pickle
from pathlib import Path

import numpy as np
import pytest

from tools import build_mnist_npz as build


class _Tripwire:
    """Unpickling this creates a file: proof that untrusted bytes were unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_pickle_with_unexpected_hash_is_refused_before_unpickling(tmp_path):
    marker = tmp_path / "unpickled"
    payload = gzip.compress(pickle.dumps(_Tripwire(str(marker))))
    with pytest.raises(SystemExit, match="refusing to unpickle"):
        build.convert(payload)
    assert not marker.exists()


def test_written_archive_is_reproducible_and_loads_without_pickle(tmp_path):
    arrays = {
        "x_train": np.arange(60000 * 784, dtype=np.uint32).astype(np.uint8).reshape(60000, 28, 28),
        "y_train": np.zeros(60000, np.uint8),
        "x_test": np.ones((10000, 28, 28), np.uint8),
        "y_test": np.ones(10000, np.uint8),
    }
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    build.write_npz(arrays, first)
    build.write_npz(arrays, second)
    assert first.read_bytes() == second.read_bytes()
    with np.load(first, allow_pickle=False) as archive:
        assert archive.files == ["x_train", "y_train", "x_test", "y_test"]
        assert (archive["x_train"] == arrays["x_train"]).all()


def test_pixels_that_are_not_multiples_of_1_256_are_refused(monkeypatch):
    fake = (np.full((1, 784), 0.3, np.float32), np.zeros(1, np.int64))
    payload = gzip.compress(pickle.dumps((fake, fake, fake)))
    import hashlib

    monkeypatch.setattr(build, "PICKLE_SHA256", hashlib.sha256(payload).hexdigest())
    with pytest.raises(SystemExit, match="not exact multiples of 1/256"):
        build.convert(payload)
