"""The step the round-trip scripts (onnx_models.py, keras_models.py) share: one case's model
converted by tools/ctnn_import, its output shown, its failure said."""
import subprocess
import sys


def import_case(command, script, case):
    """Runs ctnn_import's command line for case; True when it wrote the header (its self-check of
    the converted network against the reference passed)."""
    run = subprocess.run(command, capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        print(f"{script}: ctnn_import failed on {case}", file=sys.stderr)
        return False
    return True
