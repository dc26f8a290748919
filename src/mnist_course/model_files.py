"""Saving a trained model for later use, and finding it again from another notebook or the
command line.

Models are saved in Keras's native format, one ``.keras`` file under ``models/`` (a zip of the
architecture as JSON and the weights), like figures and results: into the checkout, or wherever
``MNIST_COURSE_OUTPUT_DIR`` points during the tests. A model is looked up there first, so a model
just trained is used; otherwise the committed one in the checkout.
"""

from __future__ import annotations

import importlib
import inspect
import json
import zipfile
from pathlib import Path

import keras

from mnist_course.paths import output_root, project_root

MODELS_FOLDER = Path("models")


def save_model(model: keras.Model, name: str) -> Path:
    """Save ``model`` for use (predicting), as ``models/<name>.keras``; returns the path.

    What is saved is a copy without the training state: the architecture and every weight
    (BatchNorm's statistics included), not the optimizer's moments, which would double or triple
    the file and are only needed to resume training. The architecture keeps only the settings that
    differ from Keras's defaults (see _without_defaults), so that older Keras versions, such as
    the one Colab ships, can read a file saved by a newer one.
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
    _rewrite_architecture(path, _without_defaults)
    return path


def _rewrite_architecture(path: Path, change) -> None:
    """Rewrite the ``config.json`` member of the .keras zip at ``path`` through ``change``."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            if info.filename == "config.json":
                data = json.dumps(change(json.loads(data))).encode()
            archive.writestr(info, data)


def _without_defaults(config: object) -> object:
    """A serialized model with every setting that equals its class's default left out.

    Each Keras release adds settings to its layers and initializers (BatchNormalization's
    ``renorm``, GlorotUniform's ``input_axes``) and writes them into every file, at their defaults;
    an older Keras refuses a setting it does not know. Left out, they take the same defaults
    on reading, so the file describes the same model, and any Keras that has the features the
    model uses can load it.
    """
    if isinstance(config, list):
        return [_without_defaults(value) for value in config]
    if not isinstance(config, dict):
        return config
    config = {key: _without_defaults(value) for key, value in config.items()}
    defaults = _defaults(config)
    if defaults:
        config["config"] = {
            key: value
            for key, value in config["config"].items()
            if key not in defaults or defaults[key] != value
        }
    return config


def _defaults(serialized: dict) -> dict[str, object]:
    """The constructor defaults, as plain data, of the Keras class a serialized object names."""
    if not isinstance(serialized.get("config"), dict) or "class_name" not in serialized:
        return {}
    try:
        cls = getattr(importlib.import_module(serialized["module"]), serialized["class_name"])
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (KeyError, ImportError, AttributeError, TypeError, ValueError):
        return {}
    return {
        parameter.name: json.loads(json.dumps(parameter.default))
        for parameter in parameters
        if parameter.default is not inspect.Parameter.empty and _is_plain_data(parameter.default)
    }


def _is_plain_data(value: object) -> bool:
    try:
        json.dumps(value)
    except TypeError:
        return False
    return True


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
