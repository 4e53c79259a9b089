"""`srcdiff build --backend numba --aot`: the Numba module compiled ahead of time.

A module built with `--backend numba` holds `@numba.njit(cache=True)` functions, so a
fresh process imports Numba (0.3-0.6 s) and loads its cache before the first gradient.
With `--aot`, srcdiff also compiles that module with numba.pycc into a C extension
that imports without Numba (NumPy only), and writes a small Python module in front of
it.  For ``-o pkg/model_grad.py``:

* ``pkg/model_grad.py`` -- the Numba module, as `--backend numba` writes it: the code to
  read and review (it still runs, compiled by Numba on its first call);
* ``pkg/_model_grad_aot<EXT_SUFFIX>`` -- the extension, compiled from model_grad.py for
  this Python and platform: a build artifact (``.cpython-311-x86_64-linux-gnu.so``);
* ``pkg/model_grad_aot.py`` -- what a program imports: the same functions, parameters
  and defaults as model_grad.py's, each converting its arguments to the exported
  signature (``float()``, ``operator.index()``, a C-contiguous float64 array of the
  built rank, else TypeError) and calling the extension.  pycc's own conversion checks
  no dtype, rank or layout (an int array is read as float64 bits, a list crashes the
  process), which is why the compiled functions are reached through these wrappers.
  They check what the extension returns as the Numba module's entries do (finite,
  arithmetic errors as in-process: aot_checks.py).
  At import it checks that the extension was compiled from this very module text (a
  hash the extension exports) and raises ImportError naming `srcdiff build` otherwise.

The exported signatures come from the argument kinds the build used: floats are
``float64``, integers ``int64``, float arrays C-contiguous ``float64`` arrays of the rank
of their example (``--at``, ``at =``, or an array default); the return types are what
Numba infers.  Anything else is an `AotError` saying what to do instead.

pycc compiles Numba's C runtime into every extension; its object files are kept between
builds (`cache_dir()`), which takes a rebuild from about 12 s to 4 s on a busy machine.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.machinery
import importlib.util
import inspect
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass

from ..errors import AotError
from .aot_checks import CALL, checked_body, helpers
from .header import render_header

#: this interpreter's extension-module suffix (".cpython-311-x86_64-linux-gnu.so")
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
#: the extension's function returning the hash of the module text it was compiled from
HASH_EXPORT = "srcdiff_module_hash"
_INSTEAD = (
    "build without --aot: the --backend numba module compiles the same code with "
    "@numba.njit(cache=True) on its first call"
)
#: names the wrapper module defines; a parameter called so would shadow one
_WRAPPER_NAMES = ("_compiled", "_as_array", "_index", "_np", "float", "TypeError")


@dataclass(frozen=True)
class Export:
    """One function of the extension: the Numba module's entry `name`."""

    name: str
    params: tuple  # its parameter names
    defaults: tuple  # source text of the last len(defaults) parameters' defaults
    types: tuple  # per parameter: "f8", "i8", or the rank (int) of a float64 C array
    doc: str
    compiled: str = ""  # the @numba.njit function exported (the Python entry's, or itself)
    checked: str = ""  # the Python entry's checks, around aot_checks.CALL (aot_checks.py)


@dataclass(frozen=True)
class AotModule:
    """The extension compiled from one Numba module, and the wrapper in front of it."""

    numba_rel: str  # the --backend numba module (relative to the project root)
    wrapper_rel: str  # model_grad_aot.py
    extension_rel: str  # _model_grad_aot<SUFFIX>
    extension_name: str  # _model_grad_aot
    numba_text: str
    exports: tuple

    @property
    def module_hash(self) -> int:
        """60 bits of the Numba module text's sha256 (an int64 the extension returns)."""
        return int(hashlib.sha256(self.numba_text.encode()).hexdigest()[:15], 16)


def plan(project, numba_rel, numba_text, built_list) -> AotModule:
    """What `--aot` makes of the Numba module `numba_rel` (text `numba_text`) of the
    targets `built_list`; an AotError if an exported signature can't be written."""
    folder, base = posixpath.split(numba_rel)
    stem = base[: -len(".py")]
    name = f"_{stem}_aot"
    wrapper_rel = posixpath.join(folder, f"{stem}_aot.py")
    defs = {
        node.name: node for node in ast.parse(numba_text).body if isinstance(node, ast.FunctionDef)
    }
    exports = tuple(
        _export(built, out, defs[gen.entry], _compiled_def(defs, defs[gen.entry]), numba_text)
        for built in built_list
        for out, gen in built.units
    )
    return AotModule(
        numba_rel=numba_rel,
        wrapper_rel=wrapper_rel,
        extension_rel=posixpath.join(folder, name + SUFFIX),
        extension_name=name,
        numba_text=numba_text,
        exports=exports,
    )


def _compiled_def(defs, node):
    """The @numba.njit function behind entry `node`: the one the Python entry that checks
    its derivatives calls (build/finite.py), or `node` itself."""
    if node.decorator_list:
        return node
    called = [
        defs[c.func.id]
        for c in ast.walk(node)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in defs
    ]
    return next((d for d in called if d.decorator_list), node)


def _export(built, out, node, compiled, numba_text) -> Export:
    spec = built.target.spec
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        raise AotError(
            f"{spec}: {node.name} takes *args, **kwargs or keyword-only parameters, which "
            "an exported signature can't state",
            hint=_INSTEAD,
        )
    names = tuple(a.arg for a in args.args)
    for name in names:
        if name in _WRAPPER_NAMES:
            raise AotError(
                f"{spec}: {node.name}'s parameter {name!r} would shadow a name of the "
                "--aot wrapper module",
                hint=f"rename the parameter, or {_INSTEAD}",
            )
    defaults = tuple(ast.unparse(d) for d in args.defaults)
    for name, default in zip(names[len(names) - len(defaults) :], args.defaults):
        try:
            ast.literal_eval(default)
        except ValueError:
            raise AotError(
                f"{spec}: {node.name}'s parameter {name!r} defaults to "
                f"{ast.unparse(default)}, which the --aot wrapper can't write as a literal",
                hint=f"give the function a number as its default, or {_INSTEAD}",
            ) from None
    own = [_type_of(built, p) for p in built.params]
    extra = names[len(built.params) :]
    if out == "jvp":  # a tangent per wrt parameter, in wrt order
        more = [_type_of(built, w) for w in built.wrt]
    elif out == "vjp":  # the cotangent of the value
        more = [_cotangent_type(built)]
    else:
        more = []
    if len(more) != len(extra):
        raise AotError(
            f"{spec}: {node.name}{tuple(names)} doesn't take the parameters --aot expects",
            hint=_INSTEAD,
        )
    doc = ast.get_docstring(compiled) or f"{node.name} of {built.func.__name__}."
    checked = checked_body(numba_text, node, compiled)
    return Export(node.name, names, defaults, tuple(own + more), doc, compiled.name, checked)


_KIND_WORDS = {
    "seq": "a list of floats",
    "seq2": "a tuple of tuples of numbers",
    "other": "neither a number nor an array",
}


def _type_of(built, param):
    """The exported type of `param`: "f8", "i8" or an array's rank."""
    kind = built.kinds.get(param)
    if kind == "int":
        return "i8"
    if kind == "scalar":
        return "f8"
    spec = built.target.spec
    if kind == "array":
        rank = _example_rank(built, param)
        if rank is None:
            raise AotError(
                f"{spec}: the rank of the array {param!r} is unknown, and an exported "
                "signature needs it",
                hint=f'give an example of it: --at "{param}=[0.1, 0.2]" (at = {{{param} = '
                f"[0.1, 0.2]}} in pyproject.toml), or {_INSTEAD}",
            )
        return rank if rank > 0 else "f8"
    raise AotError(
        f"{spec}: {param!r} is {_KIND_WORDS.get(kind, kind)}; functions compiled ahead of "
        "time take floats, integers and float arrays",
        hint=f"pass it as a NumPy array (a list in --at is one), or {_INSTEAD}",
    )


def _example(built):
    """{parameter: example value} from `at` and the function's defaults."""
    import numpy as np

    point = {}
    for name, p in inspect.signature(built.func).parameters.items():
        if p.default is not inspect.Parameter.empty:
            point[name] = p.default
    for name, value in (built.target.at or {}).items():
        point[name] = np.array(value, dtype=float) if isinstance(value, list) else value
    return point


def _example_rank(built, param):
    import numpy as np

    value = _example(built).get(param)
    if value is None:
        return None
    try:
        return int(np.ndim(value))
    except Exception:
        return None


def _cotangent_type(built):
    """The type of a vjp's cotangent: the value's, from the function at the example
    point; a float for a function of numbers given without one."""
    import numpy as np

    point = _example(built)
    if all(p in point for p in built.params):
        try:
            value = built.func(**{p: point[p] for p in built.params})
            rank = int(np.ndim(value))
        except Exception:
            rank = None
        if rank is not None:
            return rank if rank > 0 else "f8"
    if all(built.kinds.get(p) in ("int", "scalar") for p in built.params):
        return "f8"
    raise AotError(
        f"{built.target.spec}: the vjp's cotangent has the value's type, unknown here",
        hint="give every argument an example (--at, or at = in pyproject.toml), so that "
        f"srcdiff can evaluate the function there, or {_INSTEAD}",
    )


# -- the wrapper module ------------------------------------------------------------------------
def render_wrapper(aot: AotModule, built_list) -> str:
    """The text of the Python module in front of the extension (deterministic)."""
    names = ", ".join(e.name for e in aot.exports)
    beside = posixpath.basename(aot.numba_rel)  # the Numba module, beside this one
    title = (
        f"{names}: {beside} compiled ahead of time (numba.pycc) into "
        f"{aot.extension_name}; generated by srcdiff."
    )
    hashed = [{"aot": beside, "module-sha256": _sha(aot.numba_text)}]
    header = render_header(title, [beside], hashed, built_list)
    imported = (  # beside this module, in a package or not
        "if __package__:\n"
        f"    from . import {aot.extension_name} as _compiled\n"
        "else:\n"
        f"    import {aot.extension_name} as _compiled"
    )
    used = {t for e in aot.exports for t in e.types}
    arrays = any(isinstance(t, int) for t in used)
    imports = ["from operator import index as _index\n"] if "i8" in used else []
    imports += ["import numpy as _np\n"] if arrays else []
    checks = any(e.checked for e in aot.exports)
    if checks:
        check_imports, check_text = helpers()
        imports += check_imports
    blocks = [
        header,
        "\n".join(imports + ["# isort: split\n" + imported])
        + "\n\n"
        + f"_MODULE_HASH = {aot.module_hash}  # of {beside}\n"
        f"if _compiled.{HASH_EXPORT}() != _MODULE_HASH:\n"
        "    raise ImportError(\n"
        f'        "{aot.extension_name} was compiled from another version of '
        f'{beside}; "\n'
        '        "run `srcdiff build` to compile it again"\n'
        "    )",
    ]
    blocks += [_wrapper_def(e) for e in aot.exports]
    if arrays:
        blocks.append(
            "def _as_array(value, ndim, name):\n"
            '    """`value` as the C-contiguous float64 array of rank `ndim` the compiled code '
            'takes."""\n'
            "    a = _np.ascontiguousarray(value, dtype=_np.float64)\n"
            "    if a.ndim != ndim:\n"
            '        raise TypeError(f"{name} must be a float array of rank {ndim}, '
            'not of rank {a.ndim}")\n'
            "    return a"
        )
    if checks:
        blocks.append(
            "# srcdiff runtime helpers, copied here so this module runs without srcdiff\n\n\n"
            + check_text
        )
    return "\n\n\n".join(b.rstrip("\n") for b in blocks) + "\n"


def _wrapper_def(e: Export) -> str:
    n_plain = len(e.params) - len(e.defaults)
    params = list(e.params[:n_plain]) + [f"{p}={d}" for p, d in zip(e.params[n_plain:], e.defaults)]
    converted = []
    for p, t in zip(e.params, e.types):
        if t == "f8":
            converted.append(f"float({p})")
        elif t == "i8":
            converted.append(f"_index({p})")
        else:
            converted.append(f'_as_array({p}, {t}, "{p}")')
    doc = e.doc.splitlines()[0].rstrip(".") + ", compiled ahead of time."
    head = f'def {e.name}({", ".join(params)}):\n    """{doc}"""\n'
    if e.checked:  # (the Numba module entry's checks, around the extension's call)
        return head + e.checked.replace(CALL, f"_compiled.{e.name}({', '.join(converted)})")
    return (
        head
        + f"    return _compiled.{e.name}(\n        "
        + ",\n        ".join(converted)
        + ",\n    )"
    )


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


# -- compiling ---------------------------------------------------------------------------------
def _pycc():
    """numba.pycc's CC, imported with its pending-deprecation warning silenced (srcdiff
    chose pycc knowingly; README says so)."""
    try:
        import numba
        from numba.core.errors import NumbaPendingDeprecationWarning
    except ImportError:
        raise AotError(
            "--aot compiles with Numba, which is not installed",
            hint='pip install "srcdiff[numba]" (and setuptools), or build with --backend python',
        ) from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NumbaPendingDeprecationWarning)
            from numba.pycc import CC
            from numba.pycc.platform import external_compiler_works
    except Exception as exc:  # pycc removed, or setuptools (its compiler driver) missing
        raise AotError(
            f"numba.pycc, which --aot compiles with, can't be imported from numba "
            f"{numba.__version__}: {type(exc).__name__}: {exc}",
            hint=f"pip install setuptools (pycc drives the C compiler through it), or {_INSTEAD}",
        ) from None
    return CC, external_compiler_works, NumbaPendingDeprecationWarning


def compile_extension(project, aot: AotModule) -> None:
    """Compile the Numba module on disk (`aot.numba_rel`, whose text is
    `aot.numba_text`) into the extension `aot.extension_rel`; the project's modules
    must be importable (the module imports the globals it reads from them, and Numba
    compiles their values in)."""
    CC, compiler_works, pending = _pycc()
    if not compiler_works():
        raise AotError(
            "--aot needs a working C and C++ compiler (numba.pycc found none: on Linux "
            "gcc and g++, on macOS the Xcode command line tools, on Windows MSVC)",
            hint=f"install one, or {_INSTEAD}",
        )
    from numba import types

    source = project.abs(aot.numba_rel)
    name = f"_srcdiff_aot_source_{aot.extension_name}"
    spec = importlib.util.spec_from_file_location(name, source)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    target = project.abs(aot.extension_rel)
    build_dir = tempfile.mkdtemp(prefix="srcdiff-aot-")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pending)
            spec.loader.exec_module(module)
            cc = CC(aot.extension_name, source_module=module)
            cc.output_dir = build_dir
            cc.output_file = os.path.basename(target)
            cc.verbose = False
            _cache_runtime_objects(cc)
            for e in aot.exports:
                sig = tuple(
                    types.float64
                    if t == "f8"
                    else types.int64
                    if t == "i8"
                    else types.Array(types.float64, t, "C")
                    for t in e.types
                )
                cc.export(e.name, sig)(getattr(module, e.compiled or e.name).py_func)
            namespace: dict = {}
            exec(f"def {HASH_EXPORT}():\n    return {aot.module_hash}\n", namespace)
            cc.export(HASH_EXPORT, ())(namespace[HASH_EXPORT])
            try:
                cc.compile()
            except Exception as exc:
                lines = str(exc).strip().splitlines()
                text = "\n".join(lines[:12]) + ("\n..." if len(lines) > 12 else "")
                raise AotError(
                    f"numba.pycc could not compile {aot.numba_rel}: {type(exc).__name__}: {text}",
                    hint=_INSTEAD,
                ) from None
        os.replace(os.path.join(build_dir, cc.output_file), target)
    finally:
        sys.modules.pop(name, None)
        shutil.rmtree(build_dir, ignore_errors=True)


def cache_dir() -> str:
    """Where compiled runtime objects are kept between builds: $SRCDIFF_CACHE_DIR, else
    $XDG_CACHE_HOME/srcdiff, else ~/.cache/srcdiff (a `pycc` folder in it)."""
    base = os.environ.get("SRCDIFF_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "srcdiff",
    )
    return os.path.join(base, "pycc")


def _cache_runtime_objects(cc) -> None:
    """Make `cc` reuse the object files of Numba's C runtime from earlier builds.

    pycc compiles the same C sources into every extension (Numba's runtime, its dict,
    list and set objects, the module glue): ~80% of a build's time.  They depend only on
    the source text, the macros (the glue on the extension's name), the compiler and
    its flags, the Python and the Numba, which is the key each object is cached under;
    a key never seen compiles as pycc would.  This replaces pycc's `_compile_mixins`
    (a private method of a frozen module); if its parts are missing, pycc is left alone.
    """
    needed = ("_get_mixin_sources", "_get_mixin_defines", "_get_extra_cflags", "_toolchain")
    if not all(hasattr(cc, n) for n in needed):
        return
    import numba

    def compile_mixins(build_dir):
        sources = cc._get_mixin_sources()
        macros = cc._get_mixin_defines()
        include_dirs = cc._toolchain.get_python_include_dirs()
        extra = cc._get_extra_cflags()
        folder = cache_dir()
        objects = []
        for n, source in enumerate(sources):
            source = os.path.normpath(source)  # (nrt.cpp is pycc/../core/runtime/nrt.cpp)
            with open(source, "rb") as fh:
                text = fh.read()
            key = hashlib.sha256(
                repr(
                    (
                        numba.__version__,
                        sys.version,
                        SUFFIX,
                        [os.environ.get(v) for v in ("CC", "CXX", "CFLAGS", "CPPFLAGS")],
                        source,
                        hashlib.sha256(text).hexdigest(),
                        macros,
                        include_dirs,
                        extra,
                    )
                ).encode()
            ).hexdigest()[:32]
            cached = os.path.join(folder, f"{os.path.basename(source)}-{key}.o")
            if not os.path.isfile(cached):
                out = os.path.join(build_dir, f"mixin{n}")
                (obj,) = cc._toolchain.compile_objects(
                    [source], out, include_dirs=include_dirs, macros=macros, extra_cflags=extra
                )
                try:
                    os.makedirs(folder, exist_ok=True)
                    partial = f"{cached}.{os.getpid()}.tmp"
                    shutil.copyfile(obj, partial)
                    os.replace(partial, cached)
                except OSError:  # an unwritable cache: use the object just compiled
                    objects.append(obj)
                    continue
            objects.append(cached)
        return objects

    cc._compile_mixins = compile_mixins


def extension_hash(project, aot: AotModule):
    """The hash the extension on disk was compiled with (None: missing or unloadable),
    read in a fresh interpreter (a loaded extension can't be reloaded)."""
    path = project.abs(aot.extension_rel)
    if not os.path.isfile(path):
        return None
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import importlib; "
        f"print(importlib.import_module(sys.argv[2]).{HASH_EXPORT}())"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", code, os.path.dirname(path), aot.extension_name],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return int(done.stdout.strip()) if done.returncode == 0 else None
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
