"""The machinery around lesson 11's distributed training: devices, workers and their reports.

Lesson 11 writes the custom training loop itself (``train_custom``, kept in mnist_course.recipes
by its ``# @save`` cell); what runs around it lives here: splitting the CPU into logical devices,
the worker program of a multi-worker run, and its launcher, which starts
``python -m mnist_course.distributed REPORT`` once per worker, each with its own ``TF_CONFIG``,
on this machine over loopback.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from mnist_course.data import prepare_mnist
from mnist_course.performance import TrainingClock
from mnist_course.recipes import train_custom
from mnist_course.seeding import set_seed


def split_cpu(devices: int = 2) -> list[str]:
    """Split this machine's CPU into ``devices`` logical devices and return their names.

    TensorFlow fixes its devices when it first creates a tensor, a dataset or a model, so this
    must run before any of those (importing TensorFlow, loading the data as NumPy arrays and
    seeding are fine). The devices share the same cores: they stand in for GPUs to show how a
    strategy splits the work, not to add speed.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * devices
        )
    except RuntimeError as error:
        raise RuntimeError(
            "TensorFlow's devices are already set up (a tensor, dataset or model was "
            "created first); "
            "restart the kernel and split the CPU before anything else runs"
        ) from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def test_accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Share of ``x`` that ``model`` reads as ``y``."""
    return float(np.mean(model.predict(x, batch_size=1000, verbose=0).argmax(axis=1) == y))


def weights_fingerprint(model: keras.Model) -> str:
    """A short hash of every weight's bytes: two models with equal fingerprints hold identical
    weights."""
    digest = hashlib.sha256()
    for weight in model.get_weights():
        digest.update(np.ascontiguousarray(weight).tobytes())
    return digest.hexdigest()[:16]


def cluster_config(workers: int, index: int, ports: list[int]) -> dict:
    """The ``TF_CONFIG`` of worker ``index``: every worker's address, and which one this is."""
    return {
        "cluster": {"worker": [f"localhost:{port}" for port in ports[:workers]]},
        "task": {"type": "worker", "index": index},
    }


def run_workers(workers: int = 2, timeout: float = 600) -> list[dict]:
    """Train with MultiWorkerMirroredStrategy in ``workers`` processes on this machine; their
    reports.

    Each worker gets its ``TF_CONFIG`` in its environment, as it would on a machine of its own,
    trains one epoch with train_custom, and reports its per-step losses, test accuracy and a
    fingerprint of its final weights, in order of worker index. A worker that fails or hangs
    stops them all (the others would wait for it forever) with its log in the error.
    """
    ports = _free_ports(workers)
    with tempfile.TemporaryDirectory(prefix="mnist-course-workers-") as folder:
        processes, logs = [], []
        for index in range(workers):
            environment = {
                **os.environ,
                "TF_CONFIG": json.dumps(cluster_config(workers, index, ports)),
                "TF_CPP_MIN_LOG_LEVEL": "2",
            }
            log = open(Path(folder) / f"worker{index}.log", "w")
            logs.append(log)
            command = [
                sys.executable,
                "-m",
                "mnist_course.distributed",
                str(Path(folder) / f"worker{index}.json"),
            ]
            processes.append(
                subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
            )
        deadline = time.monotonic() + timeout
        timed_out = False
        try:
            for process in processes:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            for process in processes:
                process.kill()
                process.wait()
        finally:
            for log in logs:
                log.close()
        reports = []
        for index, process in enumerate(processes):
            report = Path(folder) / f"worker{index}.json"
            if timed_out or process.returncode != 0 or not report.is_file():
                why = (
                    f"did not finish within {timeout:g} s"
                    if timed_out
                    else f"failed (exit status {process.returncode})"
                )
                log_tail = (Path(folder) / f"worker{index}.log").read_text()[-2000:]
                raise RuntimeError(f"worker {index} {why}; the end of its log:\n{log_tail}")
            reports.append(json.loads(report.read_text()))
    return reports


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("localhost", 0))  # the system picks a free port
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def run_worker(report: Path) -> None:
    """One worker of run_workers (``python -m mnist_course.distributed REPORT``): the strategy
    first, then the same training as in one process, then a JSON report."""
    started = time.perf_counter()
    # First, before any tensor: reads TF_CONFIG, starts this worker's server, waits for the others.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    set_seed()  # the same seed in every worker: the same initial weights, as mirroring requires
    data = prepare_mnist()
    with TrainingClock() as clock:
        model, losses = train_custom(strategy, data.x_fit[..., None], data.y_fit)
    task = json.loads(os.environ["TF_CONFIG"])["task"]
    content = {
        "worker": task["index"],
        "replicas": strategy.num_replicas_in_sync,
        "losses": losses,
        "test_accuracy": test_accuracy(model, data.x_test[..., None], data.y_test),
        "weights": weights_fingerprint(model),
        "training_seconds": clock.seconds,
        "seconds": time.perf_counter() - started,
    }
    report.write_text(json.dumps(content))


if __name__ == "__main__":
    run_worker(Path(sys.argv[1]))
    sys.stdout.flush()
    # The report is written; TensorFlow's shutdown of the cluster connections adds seconds
    # (up to half a minute measured) to a normal exit, with nothing left to do.
    os._exit(0)
