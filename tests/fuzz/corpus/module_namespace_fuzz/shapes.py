 from app.db import migration
from m import *
revision = "c1"
branch_labels = (migration.CONTRACT_BRANCH,)
deps = ["a"]
deps += ("b",)
deps += "cd"
x = [*deps, LABEL, f(1)[0].y] + ["z"]
del deps
for a, b in pairs: pass
with open(p) as fh: pass
if (w := 3): pass
