#!/usr/bin/python3
"""Copy the matrix table a test run wrote into README.md, between the lines
<!-- matrix:begin --> and <!-- matrix:end -->.

    to_readme.py [BUILD_MATRIX_MD [README]]

defaults: build/tests/interop/matrix.md and README.md, from the project's
top directory. Fails (status 1) when a file or a marker is missing, or the
table comes from a slice run (the README shows the whole matrix).
"""

import os
import sys

BEGIN, END = "<!-- matrix:begin -->", "<!-- matrix:end -->"


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    table_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        top, "build", "tests", "interop", "matrix.md")
    readme_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(top, "README.md")
    try:
        table = open(table_path, encoding="utf-8").read()
        readme = open(readme_path, encoding="utf-8").read()
    except OSError as e:
        sys.stderr.write("to_readme: %s (run `make test` first)\n" % e)
        return 1
    if "(slice)" in table.splitlines()[0]:
        sys.stderr.write("to_readme: %s is a slice run's table\n" % table_path)
        return 1
    b, e = readme.find(BEGIN), readme.find(END)
    if b < 0 or e < b:
        sys.stderr.write("to_readme: %s lacks the lines %s and %s\n"
                         % (readme_path, BEGIN, END))
        return 1
    # The table's own title line is the README's section heading instead.
    body = table.split("\n", 2)[2] if table.startswith("postern's") else table
    new = readme[:b + len(BEGIN)] + "\n\n" + body.strip("\n") + "\n\n" + readme[e:]
    if new != readme:
        with open(readme_path, "w", encoding="utf-8") as f:
            f.write(new)
        print("to_readme: %s updated" % readme_path)
    else:
        print("to_readme: %s already up to date" % readme_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
