"""The metric table of docs/CONTRACT.md names exactly the families of the golden exposition, with
their types, in the same order.

    check_contract_metrics.py CONTRACT_MD EXPOSITION
"""

import re
import sys


def documented(contract):
    section = contract.split("\n### Metrics", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\| `(\w+)` \| (\w+) \|", section, re.MULTILINE)


def exported(exposition):
    return re.findall(r"^# TYPE (\w+) (\w+)$", exposition, re.MULTILINE)


def main(contract_path, exposition_path):
    with open(contract_path) as contract, open(exposition_path) as exposition:
        in_docs, in_golden = documented(contract.read()), exported(exposition.read())
    if in_docs == in_golden:
        return 0
    for name, kind in sorted(set(in_golden) - set(in_docs)):
        print(f"{contract_path}: {name} ({kind}) is exported but not documented", file=sys.stderr)
    for name, kind in sorted(set(in_docs) - set(in_golden)):
        print(f"{contract_path}: {name} ({kind}) is documented but not exported", file=sys.stderr)
    if set(in_docs) == set(in_golden):
        print(f"{contract_path}: the metric table is not in the exposition's order", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
