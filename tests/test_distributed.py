import subprocess
import sys

import pytest

from mnist_course.distributed import cluster_config, run_workers, weights_fingerprint
from mnist_course.recipes import build_small_cnn
from mnist_course.seeding import set_seed


def run_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_split_cpu_gives_logical_devices_when_called_first():
    result = run_python("from mnist_course.distributed import split_cpu; print(split_cpu(3))")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "['/device:CPU:0', '/device:CPU:1', '/device:CPU:2']"


def test_split_cpu_too_late_says_to_restart():
    result = run_python(
        "import tensorflow as tf; tf.constant(1.0)\n"
        "from mnist_course.distributed import split_cpu; split_cpu(2)"
    )
    assert result.returncode != 0
    assert "restart the kernel and split the CPU before anything else runs" in result.stderr


def test_cluster_config_names_every_worker_and_this_one():
    assert cluster_config(2, 1, [5001, 5002]) == {
        "cluster": {"worker": ["localhost:5001", "localhost:5002"]},
        "task": {"type": "worker", "index": 1},
    }


def test_weights_fingerprint_tells_models_apart():
    set_seed(0)
    first, second = build_small_cnn(), build_small_cnn()
    assert weights_fingerprint(first) != weights_fingerprint(second)
    second.set_weights(first.get_weights())
    assert weights_fingerprint(first) == weights_fingerprint(second)


def test_workers_that_do_not_finish_are_stopped_with_their_log():
    with pytest.raises(
        RuntimeError, match=r"worker 0 did not finish within 1 s; the end of its log"
    ):
        run_workers(2, timeout=1)
