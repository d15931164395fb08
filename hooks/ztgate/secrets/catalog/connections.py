"""Passwords in connection strings and URLs, in the forms the data module's detectors miss.

`connection-string-password` (data.py) needs a `;` and then a blank or the end after the
password, `connection-url-password` a user name before it: these catch a password field after
another one (`;Pwd=x;Encrypt=yes` or ending an ADO.NET or ODBC string), an ODBC
`{...}` value, an Oracle thin URL's `user/password@`, a URL with only a password (Redis),
a `password=` query parameter and libpq's `key=value` connection strings.
"""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import P
from ztgate.secrets.detectors import About, token

DB = "database"

# What a password value may not start with: a variable or template (`$PW`, `%PW%`, `{pw}`,
# `<password>`, `#{pw}`), a prompt (`*`) or the next option (`-`).
_NOT_A_REFERENCE = r"(?![$%{<*#&`(\-])"


def _not_a_word(value_class: str) -> str:
    """A lookahead: the value (characters of ``value_class``) holds something other than
    lowercase letters. `?password=reset`, `password=postgres`, `scott/tiger`: a word there is a
    link's state or a well-known default, not an account's password."""
    other = value_class.replace("[^", "[^a-z", 1)
    return f"(?={value_class}{{0,127}}{other})"


# The characters of a password in an Oracle URL, a URL's user part, a query and libpq.
_ORACLE = r"[^\s@'\"]"
_URL = r"[^\s:@/'\"<>]"
_QUERY = r"[^&\s'\"`#<>;,)\]{}]"
_LIBPQ = r"[^\s'\",]"

# A format string's field: `{password}`, `{db_pass}`, `{dbPassword}`, `{cfg['pw']}`, `{a20}`,
# `{password!r}`
# (a name in lowercase words, camel humps and a number), not a random password in braces.
_FORMAT_FIELD = (
    r"[A-Za-z_][a-z_.]*(?:[A-Z][a-z_]+)*[0-9]{0,3}(?:\[[^\]\n]{0,40}\])?"
    r"(?:![rsa])?(?::[^}\n]{0,20})?\}"
)

DETECTORS = (
    token(
        "connection-string-field-password",
        "Password in Connection String",
        DB,
        # `...;Password=value` after another field: ending the string (a quote or the line's
        # end after it) or followed by the next field with no blank (`;Pwd=x;Encrypt=yes`).
        rf"(?i:password|pwd)[ \t]*{P}=[ \t]*{P}"
        rf"(?P<secret>{_NOT_A_REFERENCE}[^;'\"\s{{}}]{{3,128}}{P})(?=[ \t]*(?:[;'\"\r\n]|$))",
        ("password", "pwd"),
        left=r"(?:(?<=;)|(?<=;[ \t]))",
        right="",
        anchored=True,
        about=About(
            docs="https://learn.microsoft.com/en-us/dotnet/framework/data/adonet/connection-string-syntax",
            examples=(
                "Driver={ODBC Driver 18};Server=tcp:db,1433;Uid=sa;Pwd={a12};Encrypt=yes;",
                'conn = "Server=tcp:db.example.com,1433;Initial Catalog=app;User ID=app;'
                'Password={a12}"',
                "DSN=prod;UID=sa;PWD={a8}{d2}",
                '<add name="Db" connectionString="Server=db;User Id=app;Password={a7}{d2}!" />',
                '"Default": "Host=db;Database=app;Username=app;Password={a14}"',
            ),
            negatives=(
                'conn = "Server=db;User ID=app;Password=<password>"',
                'conn = "Server=db;User ID=app;Password=${DB_PASSWORD}"',
                'conn = "Server=db;User ID=app;Password=changeme"',
                'conn = "Server=db;User ID=app;Password="',
                'conn = "Server=db;Password=" + password',
                "Password={a12}",
            ),
        ),
    ),
    token(
        "odbc-braced-password",
        "Password in Connection String",
        DB,
        # ODBC quotes a value holding `;` in braces: `PWD={value}`.
        # Not a format string's field (`{password}`, `{cfg[pw]}`, `{{`).
        rf"(?i:password|pwd)[ \t]*{P}=[ \t]*{P}\{{(?![{{}}]|{_FORMAT_FIELD})"
        rf"(?P<secret>[^}}\r\n]{{3,128}}{P})\}}"
        r"(?=[ \t]*(?:[;'\"\r\n]|$))",
        ("password", "pwd"),
        left=r"(?:(?<=;)|(?<=;[ \t])|(?<=['\"]))",
        right="",
        anchored=True,
        about=About(
            docs="https://learn.microsoft.com/en-us/sql/odbc/reference/syntax/sqldriverconnect-function",
            examples=(
                "Driver={ODBC Driver 18 for SQL Server};Server=db;Uid=sa;Pwd={{a8}{d2};x};",
                'cs = "Driver={PostgreSQL Unicode};Server=db;Uid=app;Pwd={{a14}}"',
            ),
            negatives=(
                "Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd={your_password};",
                'cs = f"Driver={{driver}};Server={server};Uid={user};Pwd={db_pass};"',
                'print(f"password={password!r}")',
                'cs = "Driver={ODBC Driver 18};Server=%s;Uid=%s;Pwd={%s};" % args',
                "Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd={{password}};",
                "Driver={ODBC Driver 18};Server=db;Uid=sa;Pwd={};",
            ),
        ),
    ),
    token(
        "oracle-jdbc-password",
        "Password in JDBC URL",
        DB,
        # Oracle's thin and OCI drivers: `jdbc:oracle:thin:user/password@host...`.
        r"jdbc:oracle:(?:thin|oci8?):[^\s/@:'\"]{1,128}/"
        rf"(?P<secret>{_NOT_A_REFERENCE}{_not_a_word(_ORACLE)}{_ORACLE}{{3,128}}{P})@",
        ("jdbc:oracle:",),
        right="",
        about=About(
            docs="https://docs.oracle.com/en/database/oracle/oracle-database/19/jjdbc/data-sources-and-URLs.html",
            examples=(
                "url=jdbc:oracle:thin:app/{a12}@db.example.com:1521:ORCL",
                '"jdbc:oracle:thin:app/{a8}{d2}@//db.example.com:1521/svc"',
            ),
            negatives=(
                "jdbc:oracle:thin:@//db.example.com:1521/svc",
                "jdbc:oracle:thin:app/${DB_PASSWORD}@db:1521:ORCL",
                "jdbc:oracle:thin:app/<password>@db:1521:ORCL",
                "jdbc:oracle:thin:app/password@db:1521:ORCL",
                "jdbc:oracle:thin:scott/tiger@localhost:1521:orcl",
            ),
        ),
    ),
    token(
        "url-password-only",
        "Password in URL",
        DB,
        # `scheme://:password@host`: Redis, and any URL whose user name is empty.
        rf"://:(?P<secret>{_NOT_A_REFERENCE}{_not_a_word(_URL)}{_URL}{{3,200}}{P})@[\w\-\[]",
        ("://:",),
        left=r"(?<=[a-z0-9+])",
        right="",
        about=About(
            docs="https://www.iana.org/assignments/uri-schemes/prov/redis",
            examples=(
                "REDIS_URL=redis://:{a20}@redis.example.com:6379/0",
                'url: "rediss://:{a24}@cache.example.com:6380"',
            ),
            negatives=(
                "redis://:@redis.example.com:6379/0",
                "redis://:${REDIS_PASSWORD}@redis:6379",
                "redis://:<password>@redis:6379",
                "redis://:password@redis:6379",
            ),
        ),
    ),
    token(
        "url-query-password",
        "Password in URL",
        DB,
        # `?password=` or `&password=`: a URL's query (libpq, MongoDB, JDBC, any HTTP API) or a
        # form body.
        r"(?i:password|passwd)="
        rf"(?P<secret>{_NOT_A_REFERENCE}{_not_a_word(_QUERY)}{_QUERY}{{3,128}}{P})",
        ("password=", "passwd="),
        left=r"(?<=[?&])",
        right=r"(?=[&\s'\"`#<>;,)\]]|$)",
        anchored=True,
        about=About(
            docs="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS",
            examples=(
                "postgresql://db.example.com/app?user=app&password={a12}",
                'curl -d "user=app&password={a8}{d2}" https://example.com/login',
                "mongodb://db.example.com/?authSource=admin&password={a7}{d2}",
            ),
            negatives=(
                "https://example.com/login?user=app&password=",
                'url = base + "?password=" + password',
                "https://example.com/login?password=%s",
                "https://example.com/login?password={password}",
                "https://example.com/login?password=${PASSWORD}",
                "https://example.com/reset?password=changeme",
                "the link (`?password=reset`) opens the form",
                '<a href="/account?password=forgot&step=2">Forgot?</a>',
            ),
        ),
    ),
    token(
        "libpq-conninfo-password",
        "Password in Connection String",
        DB,
        # libpq's keyword/value form: `host=... user=... password=...`, blank separated.
        # No commas: `f(host=None, password=None)` is a call, not a connection string.
        r"(?:host|hostaddr|dbname|user|port)=[^\s'\",]{1,200}(?:[ \t]+[a-z_]{1,40}="
        r"(?:'[^'\n]{0,200}'|[^\s'\",]{1,200})){0,8}?[ \t]+password="
        rf"(?P<quote>'?)(?P<secret>{_NOT_A_REFERENCE}{_not_a_word(_LIBPQ)}{_LIBPQ}{{3,128}})"
        r"(?P=quote)",
        ("password=",),
        left=r"(?<![\w.\-])",
        right=r"(?=[\s'\"]|$)",
        about=About(
            docs="https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE",
            examples=(
                'dsn = "host=db.example.com port=5432 dbname=app user=app password={a12}"',
                "psycopg.connect(\"dbname=app user=app password='{a8}{d2}' host=db\")",
            ),
            negatives=(
                'dsn = "host=db dbname=app user=app password=secret"',
                'connect("host=localhost dbname=test user=postgres password=postgres")',
                'dsn = f"host={host} user={user} password={password}"',
                'dsn = "host=db user=app password=$PGPASSWORD"',
                "EmailBackend(host=None, port=None, username=None, password=None, use_tls=None)",
            ),
        ),
    ),
)
