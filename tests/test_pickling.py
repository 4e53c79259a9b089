"""Derivatives pickle (srcdiff/api/pickling.py, by_value.py): every kind srcdiff returns
round-trips, in this process and in a fresh interpreter; functions no worker can import
(closures, `__main__`) travel by value from their source; the standard library's
process pools give the serial results.  joblib and Dask: test_pickling_joblib.py,
test_pickling_dask.py."""

import copy
import multiprocessing
import os
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from fdiff import fd_grad
from pickling_cases import count, f, kinds, make_loss, make_sized, same, serial

import srcdiff

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KINDS = kinds()
NAMES = [name for name, _, _ in KINDS]


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_round_trips(name):
    _, derivative, args = KINDS[NAMES.index(name)]
    loaded = pickle.loads(pickle.dumps(derivative))
    assert same(loaded(*args), derivative(*args))
    assert repr(loaded) == repr(derivative)


def test_copies_are_the_derivative_itself():
    g = srcdiff.grad(make_loss(np.array([1.0, 2.0])))
    assert copy.copy(g) is g and copy.deepcopy([g])[0] is g


def test_round_tripped_gradient_is_the_gradient():
    g = pickle.loads(pickle.dumps(srcdiff.grad(f, wrt=(0, 1))))
    assert g(3.0, 4.0) == (24.0, 10.0)
    assert g.__name__ == "f" and g.wrt == ("x", "y")


def test_by_reference_is_small_and_made_once_per_process():
    data = pickle.dumps(srcdiff.grad(f, wrt=(0, 1)))
    assert b"pickling_cases" in data and len(data) < 300  # names, not code
    assert pickle.loads(data) is pickle.loads(data)  # its generated code is kept


def test_closure_travels_by_value_with_its_values_then():
    a = np.array([1.0, 2.0, -0.5])
    loss = make_loss(a)
    g = srcdiff.grad(loss, wrt=0)
    x = np.array([0.3, -1.2, 0.7])
    data = pickle.dumps(g)
    assert b"def loss(w, b):" in data  # the source travels
    a[:] = 0.0  # after pickling: the pickle holds the values it was sent with
    loaded = pickle.loads(data)
    want = fd_grad(make_loss(np.array([1.0, 2.0, -0.5])), (x, 0.25), 0)
    np.testing.assert_allclose(loaded(x, 0.25), want, rtol=1e-7)


def test_by_value_is_rebuilt_once_for_equal_values_only():
    x = np.array([0.3, -1.2, 0.7])
    one = pickle.dumps(srcdiff.grad(make_loss(np.array([1.0, 2.0, 3.0]))))
    two = pickle.dumps(srcdiff.grad(make_loss(np.array([1.0, 2.0, 3.0]))))
    other = pickle.dumps(srcdiff.grad(make_loss(np.array([1.0, 2.0, 4.0]))))
    g1, g2, g3 = map(pickle.loads, (one, two, other))
    assert g1.__wrapped__ is g2.__wrapped__  # the same closure values: one function
    assert g3.__wrapped__ is not g1.__wrapped__
    want = fd_grad(make_loss(np.array([1.0, 2.0, 4.0])), (x, 0.0), 0)
    np.testing.assert_allclose(g3(x, 0.0), want, rtol=1e-7)
    assert not np.allclose(g1(x, 0.0), g3(x, 0.0))


def test_a_function_without_source_is_refused_when_pickled():
    namespace = {}
    exec("def helper(z):\n    return z * 2.0\n", namespace)  # noqa: S102 - no source
    g = _calling(namespace["helper"])
    with pytest.raises(srcdiff.NotPicklableError, match="cannot send helper to another process"):
        pickle.dumps(g)


def test_a_derivative_is_not_differentiated_as_its_function():
    """It carries f's __wrapped__ (signature, help), so inspect finds f's source: grad of
    it read so would be f's gradient again. It is differentiated as the code it runs
    (api/nested.py): the second derivative, and it pickles as a derivative."""
    second = srcdiff.grad(srcdiff.grad(f, wrt="x"))
    assert second(3.0, 4.0) == srcdiff.hessian(f)(3.0, 4.0) == 2 * 4.0
    assert pickle.loads(pickle.dumps(second))(3.0, 4.0) == 2 * 4.0


def _calling(helper):
    def outer(x):
        return helper(x) + x

    return srcdiff.grad(outer)


def _fresh_python(script, cwd, *argv):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, HERE]))
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


LOAD_AND_CALL = """
import pickle, sys
with open(sys.argv[1], "rb") as fh:
    cases = pickle.load(fh)
with open(sys.argv[2], "wb") as fh:
    pickle.dump([derivative(*args) for derivative, args in cases], fh)
"""


def test_every_kind_in_a_fresh_interpreter(tmp_path):
    sent, back = tmp_path / "sent.pkl", tmp_path / "back.pkl"
    sent.write_bytes(pickle.dumps([(d, args) for _, d, args in KINDS]))
    _fresh_python(LOAD_AND_CALL, tmp_path, str(sent), str(back))
    results = pickle.loads(back.read_bytes())
    for (name, derivative, args), got in zip(KINDS, results):
        assert same(got, derivative(*args)), name


MAIN_SCRIPT = '''
import pickle, sys
import numpy as np
import srcdiff

SCALE = 3.0


def helper(z):
    """reads a global of __main__"""
    return np.sin(z) * SCALE


def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def loss(x, y, *, k=2.0):
    return helper(x) * y ** k + power(x, 3)


@srcdiff.grad(wrt="y")
def slope(x, y, *, k=2.0):
    return helper(x) * y ** k


derivatives = [srcdiff.grad(loss, wrt=(0, 1)), srcdiff.hessian(loss),
               srcdiff.value_and_grad(loss, wrt="y", mode="forward"), slope]
with open(sys.argv[1], "wb") as fh:
    pickle.dump(derivatives, fh)
SCALE = 100.0  # after pickling: the pickle keeps 3.0
with open(sys.argv[2], "wb") as fh:
    pickle.dump([d(0.7, 1.5, k=3.0) for d in derivatives], fh)
'''
LOAD_AND_CALL_MAIN = LOAD_AND_CALL.replace(
    "derivative(*args) for derivative, args in cases", "d(0.7, 1.5, k=3.0) for d in cases"
)


def test_functions_of_main_travel_by_value(tmp_path):
    """Defined in a script's __main__ (helper, global, recursion, keyword-only default),
    pickled there, loaded in another interpreter after the script is gone."""
    script = tmp_path / "model.py"
    script.write_text(MAIN_SCRIPT.replace("SCALE = 100.0", "SCALE = 3.0"))
    sent, there = tmp_path / "sent.pkl", tmp_path / "there.pkl"
    subprocess.run([sys.executable, str(script), str(sent), str(there)], check=True, timeout=120)
    script.unlink()  # the worker has only what was sent
    back = tmp_path / "back.pkl"
    _fresh_python(LOAD_AND_CALL_MAIN, tmp_path, str(sent), str(back))
    got, want = pickle.loads(back.read_bytes()), pickle.loads(there.read_bytes())
    assert all(same(g, w) for g, w in zip(got, want))
    dx = 3.0 * np.cos(0.7) * 1.5**3 + 3 * 0.7**2  # the gradient by hand
    dy = 3.0 * np.sin(0.7) * 3.0 * 1.5**2
    np.testing.assert_allclose(got[0], (dx, dy), rtol=1e-14)
    np.testing.assert_allclose(got[3], dy, rtol=1e-14)  # slope: the decorated one


LAMBDA_SCRIPT = """
import pickle, sys
import numpy as np
import srcdiff

cube = lambda x: x ** 3 * SCALE
SCALE = 2.0

if __name__ == "__main__":
    both = srcdiff.grad(lambda x, y: np.sin(x) * y + cube(y), wrt=(0, 1))
    derivatives = [srcdiff.grad(cube), both]
    with open(sys.argv[1], "wb") as fh:
        pickle.dump(derivatives, fh)
"""


def test_lambdas_of_main_travel_by_value(tmp_path):
    """(grad of a lambda written in a script was pickled as the lambda's line, where the
    worker found no def to compile: StopIteration, and a process pool broke)"""
    script = tmp_path / "model.py"
    script.write_text(LAMBDA_SCRIPT)
    sent = tmp_path / "sent.pkl"
    subprocess.run([sys.executable, str(script), str(sent)], check=True, timeout=120)
    script.unlink()  # the worker has only what was sent
    back = tmp_path / "back.pkl"
    load = LOAD_AND_CALL.replace(
        "derivative(*args) for derivative, args in cases", "cases[0](1.5), cases[1](0.7, 1.5)"
    )
    _fresh_python(load, tmp_path, str(sent), str(back))
    (dcube, (dx, dy)) = pickle.loads(back.read_bytes())
    assert dcube == pytest.approx(3 * 1.5**2 * 2.0, rel=1e-14)
    assert dx == pytest.approx(np.cos(0.7) * 1.5, rel=1e-14)
    assert dy == pytest.approx(np.sin(0.7) + 3 * 1.5**2 * 2.0, rel=1e-14)


def test_main_keeps_values_of_pickling_time(tmp_path):
    script = tmp_path / "model.py"
    script.write_text(MAIN_SCRIPT)
    sent, there = tmp_path / "sent.pkl", tmp_path / "there.pkl"
    subprocess.run([sys.executable, str(script), str(sent), str(there)], check=True, timeout=120)
    back = tmp_path / "back.pkl"
    _fresh_python(LOAD_AND_CALL_MAIN, tmp_path, str(sent), str(back))
    got, at_home = pickle.loads(back.read_bytes()), pickle.loads(there.read_bytes())
    dy = 3.0 * np.sin(0.7) * 3.0 * 1.5**2  # SCALE = 3.0, as pickled
    np.testing.assert_allclose(got[0][1], dy, rtol=1e-14)
    np.testing.assert_allclose(at_home[0][1], dy / 3.0 * 100.0, rtol=1e-14)  # read live there


# -- the standard library's process pools -----------------------------------------------
# (not "fork": forking a test process that joblib's or Dask's threads run in may hang)
@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_process_pool_executor_gives_the_serial_results(method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(serial, *zip(*[(d, args) for _, d, args in KINDS])))
    for (name, derivative, args), got in zip(KINDS, results):
        assert same(got, derivative(*args)), name


def test_process_pool_executor_maps_a_derivative_itself():
    g = srcdiff.grad(f, wrt=(0, 1))
    xs, ys = np.linspace(-1, 1, 20), np.linspace(0, 2, 20)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        results = list(pool.map(g, xs, ys, chunksize=5))
    assert results == [g(x, y) for x, y in zip(xs, ys)]


def test_multiprocessing_pool_gives_the_serial_results():
    loss = make_loss(np.array([1.0, 2.0, -0.5]))
    g = srcdiff.value_and_grad(loss, wrt=(0, 1))
    points = [(np.array([0.1 * i, -0.2, 0.3]), 0.05 * i) for i in range(12)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.starmap(g, points)
    for (w, b), got in zip(points, results):
        assert same(got, g(w, b))


# -- rules replaced with register_rule ----------------------------------------------------
OVERRIDE = 'srcdiff.register_rule(np.sin, "x", partials={"x": "1.0"})  # a surrogate derivative'
SEND_WITH_OVERRIDE = f"""
import pickle, sys
import numpy as np
import srcdiff
from pickling_cases import field
{OVERRIDE}
x = np.array([0.3, -1.2, 0.7])
with open(sys.argv[1], "wb") as fh:
    pickle.dump((srcdiff.jacobian(field), x, srcdiff.jacobian(field)(x)), fh)
"""
LOAD = f"""
import pickle, sys
import numpy as np
import srcdiff
if sys.argv[2] == "same rules":
    {OVERRIDE}
try:
    with open(sys.argv[1], "rb") as fh:
        jac, x, there = pickle.load(fh)  # (refused as it is loaded)
except srcdiff.SrcDiffError as exc:
    print(exc)
else:
    print("same" if np.array_equal(jac(x), there) else "DIFFERENT")
"""


@pytest.mark.parametrize("where", ["same rules", "srcdiff's rules"])
def test_a_replaced_rule_must_be_replaced_where_loaded(tmp_path, where):
    """Without the replacement, the worker's derivative would silently differ: refused."""
    sent = tmp_path / "sent.pkl"
    _fresh_python(SEND_WITH_OVERRIDE, tmp_path, str(sent))
    out = _fresh_python(LOAD, tmp_path, str(sent), where)
    if where == "same rules":
        assert out.strip() == "same"
    else:
        assert "srcdiff.register_rule replaced the rule of np.sin; not here" in out


def test_values_the_digest_cannot_describe_rebuild_every_time():
    data = pickle.dumps(srcdiff.grad(make_sized({1, 2, 3})))
    one, two = pickle.loads(data), pickle.loads(data)
    assert one.__wrapped__ is not two.__wrapped__  # never reused: it could be stale
    assert one(2.0) == two(2.0) == 3.0


def test_a_checkpointed_gradient_keeps_its_checkpoint_option():
    g = srcdiff.grad(count, wrt=0, checkpoint="uniform:2")
    loaded = pickle.loads(pickle.dumps(g))
    assert loaded.srcdiff_recipe[2]["checkpoint"] == "uniform:2"
    assert loaded(1.5, 5) == g(1.5, 5) == 5 * 2 * 1.5
    plain = srcdiff.source(count, wrt=0, at=(1.5, 5))
    assert loaded.source(1.5, 5) == g.source(1.5, 5) != plain
