"""Reading and rewriting model files in tests: altered files with a correct digest, to reach the deeper checks."""

from sklearn_redcore._persistence._container import read_container, write_container


def edit_model_file(source, target, edit):
    """Write ``target``: the model file ``source`` after ``edit(document, blobs)`` (in place), with a fresh digest."""
    document, blobs = read_container(source)
    edit(document, blobs)
    write_container(target, document, blobs)
    return target


def array_index(document, part, *keys):
    """The index of the array that ``document[part]`` holds under ``keys`` (through the ``__dict__`` tags)."""
    value = document[part]
    for key in keys:
        value = value["__dict__"][key]
    return value.get("__ndarray__", value.get("__tensor__"))
