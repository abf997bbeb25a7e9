"""Reading and rewriting model files in tests: altered files with a correct digest, to reach the deeper checks."""

from sklearn_redcore._persistence._container import read_container, write_container


def edit_model_file(source, target, edit):
    """Write ``target``: the model file ``source`` after ``edit(document, blobs)`` (in place), with a fresh digest."""
    document, blobs = read_container(source)
    edit(document, blobs)
    write_container(target, document, blobs)
    return target
