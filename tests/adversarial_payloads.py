"""Hostile text used by the adversarial tests: everything here must come out as plain text.

Each payload is something a boundary file, a table or a study file may carry, written by someone
who wants it to run (template syntax, HTML and script, path tricks) or by accident (control
characters, very long or right-to-left text). The tests push them through the API, the CLI and
the study file and check that each one shows literally and that none runs.
"""

#: A file the template payloads would create if any of them were executed.
CANARY = "GEODISPARITY_PWNED"

TEMPLATE = [
    "{{ 7*7 }}",
    "{{7*'7'}}",
    "{% if 1 %}yes{% endif %}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "{# comment #}hidden",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('touch " + CANARY + "') }}",
    "{{ self._TemplateReference__context }}",
    "{% raw %}raw{% endraw %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
]

HTML = [
    "<script>window.__pwned = 1</script>",
    "</script><script>window.__pwned = 2</script>",
    '"><img src=x onerror="window.__pwned = 3">',
    "<svg onload=window.__pwned=4>",
    "<!-- open comment",
    "]]><![CDATA[",
    "javascript:window.__pwned=5",
    "<b>bold</b> & <i>amp</i>",
    "'; window.__pwned = 6; '",
    '"; window.__pwned = 7; "',
]

TEXT = [
    "line\u2028separator\u2029paragraph",
    "right\u202eto-left override",
    "tab\tand\nnewline",
    "县 County 區 {{ 中文 }}",
    "emoji \U0001f600 and \U0001f4a9",
    "$\\frac{1}{0}$ and $x^2$",
    "%s %d %(name)s {0} {name}",
    "x" * 2000,
]

PATHS = [
    "../../etc/passwd",
    "/etc/passwd",
    "con.html",
    "a/../../b",
]

#: Every payload, in a fixed order (ids for parametrised tests are their positions).
ALL = TEMPLATE + HTML + TEXT + PATHS
