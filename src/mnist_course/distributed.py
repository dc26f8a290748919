"""Training with TensorFlow's distribution strategies, on one machine or across processes (notebook 09).

The pieces a distributed run needs in more than one place live here: the model and its optimizer,
the custom training loop (which runs unchanged under every strategy), splitting the CPU into
logical devices, and the worker program of a multi-worker run with its launcher. The launcher
starts ``python -m mnist_course.distributed OUTPUT`` once per worker, each with its own
``TF_CONFIG``, on this machine over loopback.
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

#: Images per training step over all replicas together; each of N replicas computes 1/N of them.
GLOBAL_BATCH_SIZE = 128


def split_cpu(devices: int = 2) -> list[str]:
    """Split this machine's CPU into ``devices`` logical devices and return their names.

    TensorFlow fixes its devices when it first creates a tensor, a dataset or a model, so this
    must run before any of those (importing TensorFlow, loading the data as NumPy arrays and
    seeding are fine). The devices share the same cores: they stand in for GPUs to show how a
    strategy splits the work, not to add speed.
    """
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * devices)
    except RuntimeError as error:
        raise RuntimeError(
            "TensorFlow's devices are already set up (a tensor, dataset or model was created first); "
            "restart the kernel and split the CPU before anything else runs"
        ) from error
    return [device.name for device in tf.config.list_logical_devices("CPU")]


def build_model() -> keras.Sequential:
    """Notebook 07's small CNN (each ReLU before its pooling, which gives the same result): about
    99% test accuracy after one epoch of the fast recipe."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(16, 5, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="small_cnn",
    )


def make_optimizer(steps: int) -> keras.optimizers.Adam:
    """Notebook 07's fast recipe: Adam with short memories, one cycle up to 1e-2 and down over ``steps``."""
    warmup_steps = int(0.3 * steps)
    schedule = keras.optimizers.schedules.CosineDecay(
        4e-4, decay_steps=steps - warmup_steps, warmup_target=1e-2, warmup_steps=warmup_steps
    )
    return keras.optimizers.Adam(schedule, beta_1=0.7, beta_2=0.9)


def training_batches(x: np.ndarray, y: np.ndarray) -> tf.data.Dataset:
    """The training images in global batches, in a fixed order, the last partial batch dropped.

    Every worker must take the same number of steps, or one would wait forever for the others in
    the all-reduce; dropping the remainder guarantees it. Arrays in memory have no files to
    divide among workers, so each worker reads every batch and keeps its own share of it
    (sharding by data), which is said explicitly here.
    """
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH_SIZE, drop_remainder=True)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return batches.with_options(options)


def train_custom(strategy: tf.distribute.Strategy, x: np.ndarray, y: np.ndarray) -> tuple[keras.Model, list[float]]:
    """One epoch of the custom training loop under ``strategy``; returns the model and each step's loss.

    This is the part of ``fit`` that a strategy has to see: a forward pass and gradients on each
    replica's share of the batch, then one update of the mirrored weights. It runs unchanged under
    the default strategy (one device), MirroredStrategy and MultiWorkerMirroredStrategy.
    """
    steps = len(x) // GLOBAL_BATCH_SIZE
    with strategy.scope():  # variables made here are mirrored: one copy per replica, kept equal
        model = build_model()
        optimizer = make_optimizer(steps)
        optimizer.build(model.trainable_variables)  # its moments too, now, inside the scope
    loss_function = keras.losses.SparseCategoricalCrossentropy(reduction=None)

    def train_step(images: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        with tf.GradientTape() as tape:
            per_image = loss_function(labels, model(images, training=True))
            # Divide by the global batch, not this replica's share: summed over the replicas,
            # the gradients are then those of the mean loss over the whole batch.
            loss = tf.nn.compute_average_loss(per_image, global_batch_size=GLOBAL_BATCH_SIZE)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))  # all-reduce (sum), then update
        return loss

    @tf.function
    def distributed_step(images: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        per_replica_loss = strategy.run(train_step, args=(images, labels))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_loss, axis=None)

    batches = iter(strategy.experimental_distribute_dataset(training_batches(x, y)))
    # A fixed number of steps rather than `for batch in ...`: at the end of the data, a
    # multi-worker iterator takes seconds to agree that there is no more.
    losses = [distributed_step(*next(batches)) for _ in range(steps)]
    return model, [float(loss) for loss in losses]


def test_accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Share of ``x`` that ``model`` reads as ``y``."""
    return float(np.mean(model.predict(x, batch_size=1000, verbose=0).argmax(axis=1) == y))


def weights_fingerprint(model: keras.Model) -> str:
    """A short hash of every weight's bytes: two models with equal fingerprints hold identical weights."""
    digest = hashlib.sha256()
    for weight in model.get_weights():
        digest.update(np.ascontiguousarray(weight).tobytes())
    return digest.hexdigest()[:16]


def cluster_config(workers: int, index: int, ports: list[int]) -> dict:
    """The ``TF_CONFIG`` of worker ``index``: every worker's address, and which one this is."""
    return {"cluster": {"worker": [f"localhost:{port}" for port in ports[:workers]]}, "task": {"type": "worker", "index": index}}


def run_workers(workers: int = 2, timeout: float = 600) -> list[dict]:
    """Train with MultiWorkerMirroredStrategy in ``workers`` processes on this machine; their reports.

    Each worker gets its ``TF_CONFIG`` in its environment, as it would on a machine of its own,
    trains one epoch with train_custom, and reports its per-step losses, test accuracy and a
    fingerprint of its final weights, in order of worker index. A worker that fails or hangs
    stops them all (the others would wait for it forever) with its log in the error.
    """
    ports = _free_ports(workers)
    with tempfile.TemporaryDirectory(prefix="mnist-course-workers-") as folder:
        processes, logs = [], []
        for index in range(workers):
            environment = {**os.environ, "TF_CONFIG": json.dumps(cluster_config(workers, index, ports)), "TF_CPP_MIN_LOG_LEVEL": "2"}
            log = open(Path(folder) / f"worker{index}.log", "w")
            logs.append(log)
            command = [sys.executable, "-m", "mnist_course.distributed", str(Path(folder) / f"worker{index}.json")]
            processes.append(subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT))
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
                why = f"did not finish within {timeout:g} s" if timed_out else f"failed (exit status {process.returncode})"
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
    """One worker of run_workers (``python -m mnist_course.distributed REPORT``): the strategy first,
    then the same training as in one process, then a JSON report."""
    started = time.perf_counter()
    # First, before any tensor: reads TF_CONFIG, starts this worker's server, waits for the others.
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    from mnist_course.data import prepare_mnist
    from mnist_course.seeding import set_seed

    set_seed()  # the same seed in every worker: the same initial weights, as mirroring requires
    data = prepare_mnist()
    training_started = time.perf_counter()
    model, losses = train_custom(strategy, data.x_fit[..., None], data.y_fit)
    training_seconds = time.perf_counter() - training_started
    task = json.loads(os.environ["TF_CONFIG"])["task"]
    content = {
        "worker": task["index"],
        "replicas": strategy.num_replicas_in_sync,
        "losses": losses,
        "test_accuracy": test_accuracy(model, data.x_test[..., None], data.y_test),
        "weights": weights_fingerprint(model),
        "training_seconds": training_seconds,
        "seconds": time.perf_counter() - started,
    }
    report.write_text(json.dumps(content))


if __name__ == "__main__":
    run_worker(Path(sys.argv[1]))
    sys.stdout.flush()
    # The report is written; TensorFlow's shutdown of the cluster connections adds seconds
    # (up to half a minute measured) to a normal exit, with nothing left to do.
    os._exit(0)
