"""Saving a trained model for later use, and finding it again from another notebook or the
command line.

Models are saved in Keras's native format, one ``.keras`` file under ``models/`` (a zip of the
architecture as JSON and the weights), like figures and results: into the checkout, or wherever
``MNIST_COURSE_OUTPUT_DIR`` points during the tests. A model is looked up there first, so a model
just trained is used; otherwise the committed one in the checkout.
"""

from __future__ import annotations

from pathlib import Path

import keras

from mnist_course.paths import output_root, project_root

MODELS_FOLDER = Path("models")


def save_model(model: keras.Model, name: str) -> Path:
    """Save ``model`` for use (predicting), as ``models/<name>.keras``; returns the path.

    What is saved is a copy without the training state: the architecture and every weight
    (BatchNorm's statistics included), not the optimizer's moments, which would double or triple
    the file and are only needed to resume training.
    """
    if not name or "/" in name or "\\" in name:
        raise ValueError(
            f"model name must be a plain file stem such as '08_ensemble', got {name!r}"
        )
    path = output_root() / MODELS_FOLDER / f"{name}.keras"
    path.parent.mkdir(parents=True, exist_ok=True)
    for_use = keras.saving.deserialize_keras_object(
        _without_compile_config(keras.saving.serialize_keras_object(model))
    )
    for_use.set_weights(model.get_weights())
    for_use.save(path)
    return path


def _without_compile_config(config: object) -> object:
    """A serialized model with every (nested) model's loss and optimizer settings left out, so that
    rebuilding it compiles nothing: an ensemble's members were each compiled to be trained."""
    if isinstance(config, dict):
        return {
            key: _without_compile_config(value)
            for key, value in config.items()
            if key != "compile_config"
        }
    if isinstance(config, list):
        return [_without_compile_config(value) for value in config]
    return config


def model_file(name: str) -> Path:
    """The saved ``models/<name>.keras``: the freshly written one if there is, else the committed
    one.

    Raises FileNotFoundError naming the lesson to run when neither exists.
    """
    candidates = [output_root() / MODELS_FOLDER / f"{name}.keras"]
    root = project_root()
    if root is not None:
        candidates.append(root / MODELS_FOLDER / f"{name}.keras")
    for path in candidates:
        if path.is_file():
            return path
    lesson = name.split("_")[0]
    raise FileNotFoundError(
        f"no saved model {name!r} (looked for "
        f"{', '.join(str(path) for path in dict.fromkeys(candidates))}); "
        f"run lesson {lesson} (notebooks/{lesson}_*.ipynb) to train and save it"
    )
