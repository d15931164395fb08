"""Credentials recognised by context rather than by a vendor's format."""

from __future__ import annotations

import re

from ztgate.secrets.catalog._shapes import P
from ztgate.secrets.detectors import About, Detector, line_gap, token

GEN = "generic"

# A key name that ends in a credential noun: api_key, clientSecret, DB_PASSWORD, authToken.
# Matched where one of the keywords starts, so `api_key` is found at its `key`.
_CREDENTIAL_NOUN = r"(?:key|secret|token|passw(?:or)?d|passphrase|pwd|credentials?)"
_NAME_END = r"(?:s|\d{1,2})?(?![A-Za-z0-9])"
# Possessive (`P`): none of these runs can be given back to what
# follows it, which starts with a type word, an operator, `>`, a quote or a value with no
# blank, or ends the value (`_VALUE_END` and the closing quote are outside the value's class),
# so the matches are the same, without a backtracking step per character of a long run.
_ASSIGN = (
    rf"[ \t'\"\]\)]{{0,3}}(?:[ \t]+{P}(?:string|String|str|const|final)\b)?"
    rf"(?:[ \t]*{P}(?:=>|[:.?+!]{{0,3}}=|::|:|\|\|)[ \t]*{P}|[ \t]*{P}>\s*{P})"
)
_VALUE_END = r"(?=[\s'\"`;,)\]}<>\\]|$)"

GENERIC_API_KEY = Detector(
    id="generic-api-key",
    secret_type="Generic API Key",
    category=GEN,
    keywords=("key", "secret", "token", "passw", "pwd", "credential", "passphrase"),
    anchored=True,
    regex=(
        rf"(?i:{_CREDENTIAL_NOUN}){_NAME_END}{_ASSIGN}[ \t'\"`]{{0,3}}"
        rf"(?P<secret>[A-Za-z0-9_.=+/~\-]{{16,150}}{P}){_VALUE_END}"
    ),
    min_entropy=3.5,
    by_context=True,
    context_only=True,
    random_value=True,
    docs="https://cwe.mitre.org/data/definitions/798.html",
    examples=('payment_api_key = "{a32}"',),
    negatives=('payment_api_key = "<your-api-key>"',),
)

# A password literal in quotes: `password = "<literal>"`. Quotes are required so that code
# (`password = read_password()`) is not a finding.
GENERIC_PASSWORD = Detector(
    id="generic-password",
    secret_type="Password",
    category=GEN,
    keywords=("passw", "pwd", "passphrase"),
    anchored=True,
    regex=(
        r"(?i:passw(?:or)?d|passphrase|pwd)(?:s|\d)?(?![A-Za-z0-9])"
        + _ASSIGN  # ends in blanks already: another `[ \t]*` here was quadratic in them
        + rf"(?P<quote>['\"])(?P<secret>[^'\"\s]{{6,128}}{P})(?P=quote)"
    ),
    min_entropy=2.5,
    by_context=True,
    needs="'\"",
    context_only=True,
    docs="https://cwe.mitre.org/data/definitions/259.html",
    examples=('db_password = "{a14}"',),
    negatives=('db_password = "<your-password>"',),
)

# A Kubernetes Secret manifest: `kind: Secret` and the first value of its data block (plain,
# quoted, or a `|`/`>` block scalar), in either order.
_K8S_KIND = r"^[ \t]*kind:[ \t]*['\"]?[Ss]ecret['\"]?[ \t]*$"
_K8S_DATA_VALUE = (
    r"^[ \t]*(?:data|stringData):[ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*[ \t]+['\"]?[\w.\-]+['\"]?:[ \t]*"
    r"(?:[|>][\-+]?[ \t]*\r?\n[ \t]+)?['\"]?(?P<secret>[A-Za-z0-9+/=_.\-]{12,})['\"]?[ \t]*$"
)

DETECTORS = (
    GENERIC_API_KEY,
    GENERIC_PASSWORD,
    token(
        "authorization-header",
        "Authorization Header Credentials",
        GEN,
        r"Authorization['\"]?[ \t]*[:=][ \t]*['\"]?"
        r"(?:(?:Basic|Bearer|Token|Digest|ApiKey|Api-Token|SSWS|Splunk)[ \t]+)?"
        r"(?P<secret>[\w.~+/\-]{8,}={0,2})",
        ("authorization",),
        flags=re.IGNORECASE,
        min_entropy=3.0,
        anchored=True,
        about=About(
            docs="https://www.rfc-editor.org/rfc/rfc9110#section-11.6.2",
            examples=('headers = {"Authorization": "Bearer {u40}"}',),
            negatives=('headers = {"Authorization": "Bearer <your-token>"}',),
        ),
    ),
    token(
        "curl-user-password",
        "Password in curl Command",
        GEN,
        r"curl\b" + line_gap(400) + r"[ \t](?:-u|--user)[ \t=]+['\"]?[^\s:'\"]*:['\"]?"
        r"(?P<secret>[^\s'\"]{3,})",
        ("curl",),
        left=r"(?<![\w\-])",
        right="",
        gap=(r"curl\b", 400, r"[ \t](?:-u|--user)"),
        about=About(
            docs="https://curl.se/docs/manpage.html#-u",
            examples=("curl -u deploy:{a16} https://api.example.test",),
            negatives=("curl -u deploy:<your-token> https://api.example.test",),
        ),
    ),
    token(
        "curl-auth-header",
        "Credential in curl Header",
        GEN,
        r"curl\b" + line_gap(400) + r"[ \t](?:-H|--header)[ \t=]+['\"]"
        r"(?:X-)?[\w\-]*(?:token|key|secret|auth)[\w\-]*[ \t]*:[ \t]*"
        r"(?:(?:Basic|Bearer|Token|Api-Token|ApiKey|Digest)[ \t]+)?(?P<secret>[^'\"\s]{6,})",
        ("curl",),
        flags=re.IGNORECASE,
        left=r"(?<![\w\-])",
        right="",
        gap=(r"curl\b", 400, r"[ \t](?:-H|--header)"),
        anchored=True,
        about=About(
            docs="https://curl.se/docs/manpage.html#-H",
            examples=('curl -H "X-Api-Token: {a32}" https://api.example.test',),
            negatives=('curl -H "X-Api-Token: <your-token>" https://api.example.test',),
        ),
    ),
    token(
        "jwt",
        "JSON Web Token",
        GEN,
        r"eyJ[A-Za-z0-9_\-]{8,}={0,2}\.eyJ[A-Za-z0-9_\-]{8,}={0,2}\.?[A-Za-z0-9_\-+/]*={0,2}",
        ("eyj",),
        right=r"(?![A-Za-z0-9_\-])",
        about=About(
            docs="https://www.rfc-editor.org/rfc/rfc7519",
            examples=("token: eyJ{u20}.eyJ{u40}.{u43}",),
            negatives=("token: eyJ{u20}.{u40}.{u43}",),
        ),
    ),
    token(
        "kubernetes-secret-manifest",
        "Kubernetes Secret",
        GEN,
        _K8S_KIND + r"[\s\S]{0,3000}?" + _K8S_DATA_VALUE,
        ("kind:",),
        left="",
        right="",
        about=About(
            docs="https://kubernetes.io/docs/concepts/configuration/secret/",
            examples=("apiVersion: v1\nkind: Secret\ndata:\n  password: {b24}\n",),
            negatives=("apiVersion: v1\nkind: Secret\ndata:\n  password: <your-password>\n",),
        ),
    ),
    token(
        "kubernetes-secret-manifest-data-first",
        "Kubernetes Secret",
        GEN,
        _K8S_DATA_VALUE + r"[\s\S]{0,3000}?" + _K8S_KIND,
        ("kind:",),
        left="",
        right="",
        about=About(
            docs="https://kubernetes.io/docs/concepts/configuration/secret/",
            examples=("apiVersion: v1\ndata:\n  password: {b24}\nkind: Secret\n",),
            negatives=("apiVersion: v1\ndata:\n  password: <your-password>\nkind: Secret\n",),
        ),
    ),
    token(
        "xml-password",
        "Password in XML",
        GEN,
        r"<(?:password|passwd|pwd|secret|apiKey|api_key|token)>(?P<secret>[^<\s]{4,})</",
        ("<password", "<passwd", "<pwd", "<secret", "<apikey", "<api_key", "<token"),
        flags=re.IGNORECASE,
        left="",
        right="",
        about=About(
            docs="https://cwe.mitre.org/data/definitions/260.html",
            examples=("<password>{a16}</password>",),
            negatives=("<password><your-password></password>",),
        ),
    ),
)
