"""`geodisparity run` loads numpy with one OpenBLAS thread, leaving the environment as it was."""

import os
import subprocess
import sys

import pytest

CHECK = """
import os
from geodisparity.cli import _one_blas_thread
before = dict(os.environ)
_one_blas_thread()
import numpy
assert dict(os.environ) == before
from threadpoolctl import threadpool_info
print(sorted({i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}))
"""


@pytest.mark.parametrize(("chosen", "expected"), [(None, "[1]"), ("2", "[2]")])
def test_one_blas_thread_unless_the_user_chose_a_count(chosen, expected):
    pytest.importorskip("threadpoolctl")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if chosen is not None:
        env["OPENBLAS_NUM_THREADS"] = chosen
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == expected
