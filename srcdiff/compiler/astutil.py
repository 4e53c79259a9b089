"""Tiny constructors for the AST nodes generated code is built from."""

import ast


def name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


_LOAD, _STORE = ast.Load(), ast.Store()


def named(id_, store=False):
    """`name(id_, store)`, built about twice as fast: positional fields, and the one
    Load or Store context shared, as the parser shares them (nothing sets an attribute
    on a context).  The sweeps build tens of thousands of names per thousand lines."""
    return ast.Name(id_, _STORE if store else _LOAD)


def assign(target, value, origin=None):
    """`target = value`; `origin` (a user line) is kept for `# line N` comments."""
    node = ast.Assign(
        targets=[name(target, True) if isinstance(target, str) else target], value=value
    )
    if origin is not None:
        node.srcline = origin
    return node


def add(a, b):
    return ast.BinOp(left=a, op=ast.Add(), right=b)


def call(func, *args):
    return ast.Call(
        func=name(func) if isinstance(func, str) else func, args=list(args), keywords=[]
    )


def attr_call(obj, attr, *args):
    return ast.Call(
        func=ast.Attribute(value=name(obj), attr=attr, ctx=ast.Load()), args=list(args), keywords=[]
    )


def attr(obj, attr_name):
    return ast.Attribute(value=name(obj), attr=attr_name, ctx=ast.Load())


def tuple_of(names, store=False):
    """A single name, or a tuple of names when there are several."""
    if len(names) == 1:
        return name(names[0], store) if isinstance(names[0], str) else names[0]
    elts = [name(n, store) if isinstance(n, str) else n for n in names]
    return ast.Tuple(elts=elts, ctx=ast.Store() if store else ast.Load())


def reads_any(values, names):
    """Does any of the expressions `values` read one of `names`?"""
    names = set(names)
    return any(isinstance(n, ast.Name) and n.id in names for v in values for n in walk(v))


def base_name(node):
    """The variable an expression like `y[i].T[0]` starts from (None for other bases)."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def hashable(obj):
    """Whether `obj` can be a dictionary key (a resolved callee may be a bound method
    of an unhashable object)."""
    try:
        hash(obj)
        return True
    except TypeError:
        return False


_ATOMIC = frozenset((str, int, float, complex, bool, bytes, type(None), type(Ellipsis)))
# Contexts and operators (`Load`, `Add`): fieldless leaves, shared as the parser shares
# them, not copied (nothing sets an attribute on one).
_LEAVES = frozenset(
    kind
    for base in (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
    for kind in base.__subclasses__()
)
_KEPT = _ATOMIC | _LEAVES  # what copy_tree keeps as it is


def walk(node):
    """The nodes of a tree in `ast.walk`'s order (breadth first), as a list, less the
    context and operator leaves (`Load`, `Store`, `Add`, `Eq`: what the `ctx`, `op` and
    `ops` fields hold, read as attributes, never looked for as nodes); about three times
    as fast as `ast.walk`, which is most of what code generation spends its time on.
    A check that every node is of an allowed class (`Add` allowed, `Mult` not) needs
    `ast.walk`."""
    todo = [node]
    append = todo.append
    fields_of = _NODE_FIELDS
    for current in todo:  # the list grows as it is read
        kind = current.__class__
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = _node_fields(kind)
        for field in fields:
            value = getattr(current, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
            elif isinstance(value, ast.AST):
                append(value)
    return todo


def walk_outside(node, opaque):
    """The nodes of a tree, entering none of the classes in `opaque` (those themselves
    are included), less the context and operator leaves, as a list in the order of a
    depth-first walk that pops the last child pushed (`stack.extend(iter_child_nodes(n))`):
    what a question about the parts of an expression evaluated unconditionally reads,
    at a fraction of the cost of `ast.iter_child_nodes`."""
    out = []
    todo = [node]
    pop, push, extend = todo.pop, todo.append, todo.extend
    fields_of = _NODE_FIELDS
    while todo:
        current = pop()
        out.append(current)
        if isinstance(current, opaque):
            continue
        kind = current.__class__
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = _node_fields(kind)
        for field in fields:
            value = getattr(current, field, None)
            if value.__class__ is list:
                extend([item for item in value if isinstance(item, ast.AST)])
            elif isinstance(value, ast.AST):
                push(value)
    return out


# Fields that hold blocks of statements (or handlers and cases holding them), in the
# order of the node classes' `_fields` (a Try's body, handlers, orelse, finalbody).
BLOCK_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")


# statement classes without a block (every field in BLOCK_FIELDS absent)
SIMPLE_STATEMENTS = frozenset(
    kind for kind in ast.stmt.__subclasses__() if not set(kind._fields) & set(BLOCK_FIELDS)
)


def each_statement(stmts):
    """`statements(stmts)`, the same list in the same order, without looking for blocks
    in a statement of a class that has none (an assignment, a call): most generated
    statements are those, and the five lookups each were most of the cost."""
    todo = list(stmts)
    simple = SIMPLE_STATEMENTS
    for current in todo:  # the list grows as it is read
        if current.__class__ in simple:
            continue
        for field in BLOCK_FIELDS:
            block = getattr(current, field, None)
            if block.__class__ is list:
                todo.extend(block)
    return [node for node in todo if isinstance(node, ast.stmt)]


def statements(stmts):
    """Every statement of `stmts` and of the blocks nested in them, without entering
    expressions: where `srcline` tags and markers can be (on statements only), at a
    fraction of a `walk`'s cost."""
    todo = list(stmts)
    for current in todo:  # the list grows as it is read
        for field in BLOCK_FIELDS:
            block = getattr(current, field, None)
            if block.__class__ is list:
                todo.extend(block)
    return [node for node in todo if isinstance(node, ast.stmt)]


_SCOPE_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def own_statements(stmts, in_order=False):
    """The statements of `stmts` and of the blocks nested in them, outside nested
    functions and classes (whose statements are their own), without entering
    expressions: a `return` is only ever a statement, so finding the returns needs no
    walk of the expressions.  The order is a depth-first walk's that pops the last child
    pushed (`stack.extend(iter_child_nodes(node))`), or with `in_order` source order."""
    stack = list(reversed(stmts)) if in_order else list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            yield node
        if isinstance(node, _SCOPE_STATEMENTS):
            continue
        children = [s for field in BLOCK_FIELDS for s in _block(node, field)]
        stack.extend(reversed(children) if in_order else children)


def _block(node, field):
    block = getattr(node, field, None)
    return block if block.__class__ is list else ()


# Fields the grammar gives an identifier, a string, a number or a flag, never a node:
# `walk` need not read them (a Name's id, a Constant's value).  Nor the fields that hold
# a context or an operator (`ctx`, `op`, `ops`): leaves with no fields, about half the
# nodes of an expression, which no caller looks for (they read `node.ctx`, `node.op`).
_ATOMIC_FIELDS = frozenset(
    (
        "ctx",
        "op",
        "ops",
        "id",
        "attr",
        "arg",
        "name",
        "asname",
        "module",
        "level",
        "conversion",
        "is_async",
        "simple",
        "type_comment",
        "tag",
    )
)
_ATOMIC_FIELDS_OF = {
    ast.Constant: ("value", "kind"),
    ast.Global: ("names",),
    ast.Nonlocal: ("names",),
}
_NODE_FIELDS: dict = {}


def _node_fields(kind):
    """The fields of node class `kind` that may hold nodes or lists of them (contexts and
    operators aside)."""
    atomic = _ATOMIC_FIELDS_OF.get(kind, ())
    return tuple(f for f in kind._fields if f not in _ATOMIC_FIELDS and f not in atomic)


def node_fields(kind: type) -> tuple[str, ...]:
    """The fields of node class `kind` that may hold nodes or lists of them, as `walk`
    reads them (contexts and operators aside), remembered per class."""
    fields = _NODE_FIELDS.get(kind)
    if fields is None:
        fields = _NODE_FIELDS[kind] = _node_fields(kind)
    return fields


def located(new, old):
    """Give `new` (and its children) the location of `old`, where they have none: code
    rewritten from a user's line keeps pointing at it (errors, `# line N` comments)."""
    for node in walk(new):
        for attr in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
            if hasattr(old, attr) and not getattr(node, attr, None):
                setattr(node, attr, getattr(old, attr))
    return new


def copy_tree(node):
    """`copy.deepcopy(node)` for an AST, about four times faster: nodes (with every
    attribute, fields or not) and lists are copied, shared ones once, as deepcopy does;
    atomic values, contexts and operators are kept; anything else goes to deepcopy."""
    return _copy(node, {})


def _copy(value, memo):
    kind = type(value)
    if kind in _KEPT:
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if kind is list:
        new = memo[key] = []
        new.extend([_copy(v, memo) for v in value])
        return new
    if isinstance(value, ast.AST):
        new = memo[key] = kind.__new__(kind)
        attrs = new.__dict__
        for k, v in value.__dict__.items():
            attrs[k] = v if type(v) in _KEPT else _copy(v, memo)
        return new
    import copy

    return copy.deepcopy(value, memo)


def substituted(node, mapping):
    """A copy of `node` with each `Name` whose id is in `mapping` replaced by a copy of
    that expression: what copying a template and then running a `NodeTransformer` over
    it did, in one pass (instantiating rule templates is a large part of code
    generation)."""
    return _substitute(node, {}, mapping)


def _substitute(value, memo, mapping):
    kind = type(value)
    if kind in _KEPT:
        return value
    key = id(value)
    if key in memo:
        return memo[key]
    if kind is ast.Name and value.id in mapping:
        return copy_tree(mapping[value.id])
    if kind is list:
        new = memo[key] = []
        new.extend([_substitute(v, memo, mapping) for v in value])
        return new
    if isinstance(value, ast.AST):
        new = memo[key] = kind.__new__(kind)
        attrs = new.__dict__
        for k, v in value.__dict__.items():
            attrs[k] = v if type(v) in _KEPT else _substitute(v, memo, mapping)
        return new
    import copy

    return copy.deepcopy(value, memo)


def filled(node, mapping, tag, tagged):
    """A copy of `node` with each `Name` whose id is in `mapping` replaced by a copy of
    that expression, and each node carrying the attribute `tag` by a copy of
    `tagged(its value)`: a rule template kept substituted and simplified once, with
    placeholders where the operands go (templates.py), filled with one use's operands.
    `node` shares no subtree (no memo, unlike `substituted`)."""
    kind = type(node)
    if kind in _KEPT:
        return node
    if kind is list:
        return [filled(v, mapping, tag, tagged) for v in node]
    if kind is ast.Name and node.id in mapping:
        return _copy_flat(mapping[node.id])
    if not isinstance(node, ast.AST):
        import copy

        return copy.deepcopy(node)
    attrs = node.__dict__
    if tag in attrs:
        return copy_tree(tagged(attrs[tag]))
    new = kind.__new__(kind)
    into = new.__dict__
    for k, v in attrs.items():  # (a loop: a generator per node cost a third more)
        into[k] = v if type(v) in _KEPT else filled(v, mapping, tag, tagged)
    return new


def _copy_flat(node):
    """`copy_tree(node)` for a node all of whose attributes are atomic values or leaves
    (a name, with its location): one dictionary copied, no memo; others as copy_tree."""
    attrs = node.__dict__
    for value in attrs.values():
        if type(value) not in _KEPT:
            return copy_tree(node)
    kind = node.__class__
    new = kind.__new__(kind)
    new.__dict__.update(attrs)
    return new


def replace_reads(node, mapping, copy=copy_tree):
    """`node` with each read (a `Name` in a Load context) of a name in `mapping` replaced
    by a copy of its expression, located at the read; in place (the root itself may be
    replaced: use the result).  The copies put in are not entered.  What a
    `NodeTransformer` with a `visit_Name` did, as one walk over the fields: copy
    propagation and folding replace reads in every generated statement.  `copy=None`
    puts the expression itself in, for a caller that knows it is read once and owns it
    (a fold that drops the statement it came from)."""
    if copy is None:
        copy = _same
    if _reads_of(node, mapping):
        return ast.copy_location(copy(mapping[node.id]), node)
    todo = [node]
    fields_of = _NODE_FIELDS
    for current in todo:  # the list grows as it is read
        kind = current.__class__
        fields = fields_of.get(kind)
        if fields is None:
            fields = fields_of[kind] = _node_fields(kind)
        for field in fields:
            value = getattr(current, field, None)
            if value.__class__ is list:
                for k, item in enumerate(value):
                    if _reads_of(item, mapping):
                        value[k] = ast.copy_location(copy(mapping[item.id]), item)
                    elif isinstance(item, ast.AST):
                        todo.append(item)
            elif _reads_of(value, mapping):
                setattr(current, field, ast.copy_location(copy(mapping[value.id]), value))
            elif isinstance(value, ast.AST):
                todo.append(value)
    return node


def _same(node):
    return node


def _reads_of(node, mapping):
    return node.__class__ is ast.Name and node.id in mapping and node.ctx.__class__ is ast.Load


def fix_missing_locations(node):
    """`ast.fix_missing_locations`, same result, without a recursive call and a
    generator per node: every generated function goes through it once.  A node takes
    its location from its parent's only, so the order nodes are reached in is free."""
    todo = [(node, 1, 0, 1, 0)]
    pop, push = todo.pop, todo.append
    fields_of = _NODE_FIELDS
    AST = ast.AST
    while todo:
        current, lineno, col_offset, end_lineno, end_col_offset = pop()
        attributes = current._attributes
        if attributes:
            known = current.__dict__  # (a location a node has is in its __dict__; the
            # optional end_lineno and end_col_offset default to None on the class)
            if "lineno" in attributes:
                if "lineno" in known:
                    lineno = known["lineno"]
                else:
                    current.lineno = lineno
            if "end_lineno" in attributes:
                if known.get("end_lineno") is None:
                    current.end_lineno = end_lineno
                else:
                    end_lineno = known["end_lineno"]
            if "col_offset" in attributes:
                if "col_offset" in known:
                    col_offset = known["col_offset"]
                else:
                    current.col_offset = col_offset
            if "end_col_offset" in attributes:
                if known.get("end_col_offset") is None:
                    current.end_col_offset = end_col_offset
                else:
                    end_col_offset = known["end_col_offset"]
        kind = current.__class__
        fields = fields_of.get(kind)
        if fields is None:  # (contexts and operators have no location to fix)
            fields = fields_of[kind] = _node_fields(kind)
        for field in fields:
            value = getattr(current, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, AST):
                        push((item, lineno, col_offset, end_lineno, end_col_offset))
            elif isinstance(value, AST):
                push((value, lineno, col_offset, end_lineno, end_col_offset))
    return node


def fix_statement_locations(fdef):
    """`fix_missing_locations` for the statements of a generated function only (each
    takes its location from the statement or function holding it, as there): printing
    with `ast.unparse` reads a statement's `lineno`, never an expression's, and the
    printed text is what is compiled -- so the expressions, most of the nodes, are not
    visited."""
    todo = [(fdef, 1, 0, 1, 0)]
    pop, push = todo.pop, todo.append
    while todo:
        current, lineno, col_offset, end_lineno, end_col_offset = pop()
        if current._attributes:
            known = current.__dict__
            if "lineno" in known:
                lineno = known["lineno"]
            else:
                current.lineno = lineno
            if known.get("end_lineno") is None:
                current.end_lineno = end_lineno
            else:
                end_lineno = known["end_lineno"]
            if "col_offset" in known:
                col_offset = known["col_offset"]
            else:
                current.col_offset = col_offset
            if known.get("end_col_offset") is None:
                current.end_col_offset = end_col_offset
            else:
                end_col_offset = known["end_col_offset"]
        for field in BLOCK_FIELDS:
            for item in _block(current, field):
                push((item, lineno, col_offset, end_lineno, end_col_offset))
    return fdef


def method_statement(stmt):
    """`obj.method(...)` as a statement, `obj` a plain name -> (obj, method, call), else
    None: how the tape saves (`_stack.append(v)`) and watches (`tape.watch(x)`) read."""
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return None
    func = stmt.value.func
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return None
    return func.value.id, func.attr, stmt.value


def is_loop_exit(stmt):
    """The `if flag: break` normalization puts last in a loop body (its only jump)."""
    return (
        isinstance(stmt, ast.If)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], ast.Break)
        and not stmt.orelse
    )


class Transformer(ast.NodeTransformer):
    """`ast.NodeTransformer` with the same results, about twice as fast: the visitor of
    each node class is looked up once per transformer class (not by building its name
    for every node), leaves without fields or a visitor (`Load`, `Add`) are returned
    without a call, and `generic_visit` reads `_fields` directly instead of through
    `ast.iter_fields`' generator.  Code generation visits every generated statement
    several times, so this is a good part of its cost."""

    _visitors: dict = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._visitors = {}  # node class -> visit_ function, or None for generic_visit
        if "visit" in cls.__dict__:  # (a visit of its own sees every child)
            cls._child = cls.visit

    def _visitor(self, kind):
        method = getattr(type(self), "visit_" + kind.__name__, None)
        if method is _STDLIB_CONSTANT:  # (NodeVisitor's: only for the old Num/Str names)
            method = None
        self._visitors[kind] = method
        return method

    def visit(self, node):
        kind = node.__class__
        try:
            method = self._visitors[kind]
        except KeyError:
            method = self._visitor(kind)
        if method is not None:
            return method(self, node)
        if not kind._fields:
            return node
        return self.generic_visit(node)

    def generic_visit(self, node):
        kind = node.__class__
        fields = _NODE_FIELDS.get(kind)
        if fields is None:  # (a context or operator leaf is returned as it is anyway)
            fields = _NODE_FIELDS[kind] = _node_fields(kind)
        for field in fields:
            try:
                old = getattr(node, field)
            except AttributeError:
                continue
            if isinstance(old, list):
                new_values = []
                changed = False
                for value in old:
                    if isinstance(value, ast.AST):
                        new = self._child(value)
                        if new is not value:
                            changed = True
                            if new is None:
                                continue
                            if not isinstance(new, ast.AST):
                                new_values.extend(new)
                                continue
                        value = new
                    new_values.append(value)
                if changed:
                    old[:] = new_values
            elif isinstance(old, ast.AST):
                new_node = self._child(old)
                if new_node is None:
                    delattr(node, field)
                elif new_node is not old:
                    setattr(node, field, new_node)
        return node

    def _child(self, node):
        """`visit(node)`, with a leaf that has no visitor (a Name, a Constant, where no
        visit_Name is defined) returned without a call: most nodes are such leaves."""
        kind = node.__class__
        try:
            method = self._visitors[kind]
        except KeyError:
            method = self._visitor(kind)
        if method is not None:
            return method(self, node)
        fields = _NODE_FIELDS.get(kind)
        if fields is None:
            fields = _NODE_FIELDS[kind] = _node_fields(kind)
        if not fields:
            return node
        return self.generic_visit(node)


_STDLIB_CONSTANT = ast.NodeVisitor.visit_Constant


def replace_one_read(stmt, name, value):
    """`value` itself in place of the one read of `name` in `stmt` (not copied: the
    caller moves it from the statement it drops), located at the read; (the node that
    held the read, the node above that or None): where a fold moves a value, what it
    must look at again (`templates.may_fold_at` reads no deeper than a node's
    grandchildren)."""
    todo = [(stmt, None)]
    pop, push = todo.pop, todo.append
    while todo:
        node, above = pop()
        for field in node_fields(node.__class__):
            child = getattr(node, field, None)
            if child.__class__ is list:
                for k, item in enumerate(child):
                    if _is_read(item, name):
                        child[k] = _located_at_read(value, item)
                        return node, above
                    if isinstance(item, ast.AST):
                        push((item, node))
            elif _is_read(child, name):
                setattr(node, field, _located_at_read(value, child))
                return node, above
            elif isinstance(child, ast.AST):
                push((child, node))
    raise AssertionError(f"no read of {name}")  # (the caller counted one)


def _located_at_read(value, read):
    """`ast.copy_location(value, read)` for an expression `value` and the Name `read`
    (both have every location attribute, so `_attributes` need not be asked: the folds
    move thousands of values, and the general function took a tenth of each move)."""
    line, col = getattr(read, "lineno", None), getattr(read, "col_offset", None)
    if line is not None:
        value.lineno = line
    if col is not None:
        value.col_offset = col
    if hasattr(read, "end_lineno"):
        value.end_lineno = read.end_lineno
    if hasattr(read, "end_col_offset"):
        value.end_col_offset = read.end_col_offset
    return value


def _is_read(node, name):
    return node.__class__ is ast.Name and node.id == name and node.ctx.__class__ is ast.Load


def loaded_names(node):
    """The ids of the names `node` reads (each `Name` in a Load context), as
    `{n.id for n in walk(node) if ...}` gives them, found without building the list of
    nodes: the classes derivative statements are made of (`da * math.cos(a2)`) are
    entered directly, any other subtree is walked.  The save analysis asks it of every
    statement of a backward sweep."""
    found: set[str] = set()
    _add_names(node, found, ast.Load)
    return found


def stored_names(node):
    """The ids of the names `node` binds (each `Name` in a Store context), found as
    `loaded_names` finds reads: the check for clashes asks it of every generated
    function."""
    found: set[str] = set()
    _add_names(node, found, ast.Store)
    return found


def _add_names(node, found, ctx):
    kind = node.__class__
    if kind is ast.Name:
        if node.ctx.__class__ is ctx:
            found.add(node.id)
    elif kind is ast.Constant:
        return
    elif kind is ast.BinOp:
        _add_names(node.left, found, ctx)
        _add_names(node.right, found, ctx)
    elif kind is ast.Call:
        _add_names(node.func, found, ctx)
        for arg in node.args:
            _add_names(arg, found, ctx)
        for keyword in node.keywords:
            _add_names(keyword.value, found, ctx)
    elif kind is ast.Attribute or kind is ast.Expr or kind is ast.Return:
        if node.value is not None:  # (a bare `return`)
            _add_names(node.value, found, ctx)
    elif kind is ast.UnaryOp:
        _add_names(node.operand, found, ctx)
    elif kind is ast.Assign:
        for target in node.targets:
            _add_names(target, found, ctx)
        _add_names(node.value, found, ctx)
    elif kind is ast.FunctionDef:  # (a generated function: its statements, one by one)
        for field in node_fields(kind):
            value = getattr(node, field, None)
            for inner in value if value.__class__ is list else [value]:
                if isinstance(inner, ast.AST):
                    _add_names(inner, found, ctx)
    else:
        for inner in walk(node):
            if inner.__class__ is ast.Name and inner.ctx.__class__ is ctx:
                found.add(inner.id)
