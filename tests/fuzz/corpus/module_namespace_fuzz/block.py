resolved = ["0a1b"]
resolved += ["eb97"]
resolved.append("x")
resolved[0] = "y"
v: tuple[str, ...] = ("a", "b") + ()
s = {"a", "b", "a"}
n = None
q = "a" "b" + "c"
bad = ("a",) + ["b"]
m = -1
d = {}
