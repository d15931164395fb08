"""Password hashes: crypt(3) strings, Windows NT hashes and Kerberos roasting output.

A leaked password hash is a password one offline guessing run away (md5crypt and NT hashes
fall in hours on one GPU; a Kerberos AS-REP or TGS hash is the account's key encrypted under
its password, built to be cracked). Severity follows what the hash is known to belong to:
* errors: an account's entry (a shadow or htpasswd line, a pwdump/secretsdump line, roasting
  output), a hash given to an account (`password: "$6$..."`, `rootpw --iscrypted`), and
  md5crypt/sha256crypt/sha512crypt/yescrypt strings wherever they stand: these are the formats
  of system accounts (shadow, cloud-init, kickstart, Ansible), not of application users;
* warnings: a lone bcrypt or Argon2 string, the formats of application user tables, most often
  a seeded test user or a documented example (their cost also makes guessing slow). The policy
  can make them errors (`bcrypt-password-hash: error`).
Salts that no generator draws (`12345678`, `saltstring`) mark test vectors and are skipped."""

from __future__ import annotations

import re

from ztgate.secrets.catalog._shapes import P
from ztgate.secrets.detectors import About, token

HASH = "password-hash"

_CRYPT_DOCS = "https://man.archlinux.org/man/crypt.5"
# crypt(3)'s alphabet: `./0-9A-Za-z`.
_B64 = "[./A-Za-z0-9]"
# A salt that is not random: a test vector's (`12345678`, `saltstring`), not a real account's.
# Random salts of crypt's 64 characters are almost never all digits or all lowercase.
_MADE_UP_SALT = r"(?![0-9]{1,16}\$|[a-z./]{8,16}\$|[A-Z]{8,16}\$)"
_BCRYPT = rf"2[abxy]\$(?:0[4-9]|[12][0-9]|3[01])\$(?![0-9]{{8}}|[a-z]{{12}}){_B64}{{53}}"
# The crypt strings after their first `$`: the secret is reported without it, since a value
# that starts with `$` and a letter (`$apr1$`, `$y$`) reads as a shell variable to the filters.
_MD5 = rf"(?:1|apr1)\${_MADE_UP_SALT}{_B64}{{1,8}}\${_B64}{{22}}"
_SHA256 = rf"5\$(?:rounds=[0-9]{{1,9}}\$)?{_MADE_UP_SALT}{_B64}{{1,16}}\${_B64}{{43}}"
_SHA512 = rf"6\$(?:rounds=[0-9]{{1,9}}\$)?{_MADE_UP_SALT}{_B64}{{1,16}}\${_B64}{{86}}"
_YESCRYPT = rf"y\${_B64}{{1,32}}\${_MADE_UP_SALT}{_B64}{{1,86}}\${_B64}{{43}}"
# PHC strings of Argon2 (`$argon2id$v=19$m=65536,t=3,p=4$salt$hash`, salt and hash base64).
_ARGON2 = (
    r"argon2(?:id|i|d)\$v=[0-9]{1,3}\$m=[0-9]{1,8},t=[0-9]{1,4},p=[0-9]{1,3}\$"
    r"(?![0-9]{8}|[a-z]{12})[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{22,128}"
)
_ANY_CRYPT = f"{_BCRYPT}|{_MD5}|{_SHA256}|{_SHA512}|{_YESCRYPT}|{_ARGON2}"
# Every crypt prefix, as the keyword automaton sees it (lowercased).
_CRYPT_KEYWORDS = ("$1$", "$apr1$", "$5$", "$6$", "$y$")
_ARGON2_KEYWORDS = ("$argon2",)
_BCRYPT_KEYWORDS = ("$2a$", "$2b$", "$2x$", "$2y$")
# The end of a hash: no further character of its alphabet.
_HASH_END = r"(?![./A-Za-z0-9$])"

# The NT hash of the empty password: an account without one, nothing to crack.
_EMPTY_NT = "31d6cfe0d16ae931b73c59d7e0c089c0"  # pragma: allowlist secret

DETECTORS = (
    token(
        "password-hash-entry",
        "Password Hash",
        HASH,
        # A shadow(5) or htpasswd line: `name:HASH` then `:` (shadow's next field) or the end.
        rf"^\ufeff?[ \t]*[A-Za-z0-9_.@\\\-]{{1,64}}{P}:\$(?P<secret>{_ANY_CRYPT})(?=:|[ \t]*\r?$)",
        _CRYPT_KEYWORDS + _BCRYPT_KEYWORDS + _ARGON2_KEYWORDS,
        left="",
        right="",
        by_context=False,
        about=About(
            docs="https://man.archlinux.org/man/shadow.5",
            examples=(
                "root:$6${a16}${a86}:19700:0:99999:7:::",
                "deploy:$5$rounds=10000${a16}${a43}:19700::::::",
                "admin:$apr1${a6}{d2}${a22}",
                "svc:$2y$10${a53}",
                "alice:$y$j9T${a22}${a43}:19800:0:99999:7:::",
            ),
            negatives=(
                "root:*:19700:0:99999:7:::",
                "root:!:19700:0:99999:7:::",
                "admin:$apr1${a8}${a20}",
                "root:$6${a16}${a80}:19700:0:99999:7:::",
                "  root:$6$<salt>$<hash>:19700:0:99999:7:::",
            ),
        ),
    ),
    token(
        "password-hash-assignment",
        "Password Hash",
        HASH,
        # A hash given to an account: `password: "$6$..."` (Ansible's user module, cloud-init's
        # `passwd`), `root_password_hash = ...`, kickstart's `rootpw --iscrypted`.
        # The rest of the name taken whole (possessive: no operator, quote or blank in it).
        rf"(?i:passw(?:or)?d|pwd|rootpw)[\w.\-]{{0,40}}{P}['\"\]]{{0,2}}"
        rf"(?:[ \t]*{P}(?:=>|:=|[:=])|[ \t]+{P}--iscrypted)[ \t]*{P}['\"]?"
        rf"\$(?P<secret>{_ANY_CRYPT})",
        ("passw", "pwd", "rootpw"),
        left=r"(?<![A-Za-z])",
        right=_HASH_END,
        anchored=True,
        by_context=False,
        about=About(
            docs="https://docs.ansible.com/ansible/latest/collections/ansible/builtin/user_module.html",
            examples=(
                'password: "$6$rounds=656000${a16}${a86}"',
                "root_password_hash = '$5${a16}${a43}'",
                "rootpw --iscrypted $6${a16}${a86}",
                "admin_password_hash: $2b$12${a53}",
                "passwd: $y$j9T${a22}${a43}",
                'hashed_password = "$argon2id$v=19$m=65536,t=3,p=4${b22}${b43}"',
            ),
            negatives=(
                'password: "$6$12345678${a86}"',
                "password: $6$saltstring${a86}",
                "password_hash: $2b$12$123456789012345678901{a31}",
                "password: \"{{ pw | password_hash('sha512') }}\"",
                "password: $6$<salt>$<hash>",
                'expected_hash = "$6${a16}${a86}"',
            ),
        ),
    ),
    token(
        "crypt-password-hash",
        "Password Hash",
        HASH,
        # md5crypt, sha256crypt, sha512crypt and yescrypt strings anywhere.
        rf"\$(?P<secret>{_MD5}|{_SHA256}|{_SHA512}|{_YESCRYPT})",
        _CRYPT_KEYWORDS,
        left=r"(?<![./A-Za-z0-9])",
        right=_HASH_END,
        anchored=True,
        by_context=False,
        about=About(
            docs=_CRYPT_DOCS,
            examples=(
                'verify(candidate, "$6${a16}${a86}")',
                "hashes = ['$6$rounds=656000${a16}${a86}']",
                "- $5${a16}${a43}",
                "$1${a6}{d2}${a22}",
                'check("$y$j9T${a22}${a43}")',
            ),
            negatives=(
                "$6$salt$hash",
                "$6${a16}${a85}",
                "$1${a8}${a21}",
                "$5$<salt>$<hash>",
                "price is $6$ per unit",
                "assert_hash('$5$12345678${a43}')",
            ),
        ),
    ),
    token(
        "ldap-password-hash",
        "LDAP userPassword Hash",
        HASH,
        # An LDIF entry's `userPassword: {SSHA}...` (RFC 2307 schemes), or its base64 form
        # `userPassword:: e1NTSEF9...` (`e1` is `{`).
        # The secret leaves out the `{`, which the filters would read as a template.
        r"userPassword[ \t]*::?[ \t]*(?:\{|(?=e1))"
        r"(?P<secret>(?i:ssha|sha|ssha256|ssha384|ssha512|smd5|md5|crypt|pbkdf2[\w\-]{0,12}"
        r"|argon2)\}[A-Za-z0-9+/=.$,\-]{12,400}|e1[A-Za-z0-9+/]{14,400}={0,2})",
        ("userpassword",),
        flags=re.IGNORECASE,
        about=About(
            docs="https://www.rfc-editor.org/rfc/rfc2307",
            examples=(
                "dn: uid=jdoe,ou=people,dc=example,dc=com\nuserPassword: {SSHA}{b32}\n",
                "userPassword:: e1NTSEF9{b40}\n",
                "userpassword: {CRYPT}$6${a16}${a86}",
            ),
            negatives=(
                "userPassword: secret",
                "userPassword: {SSHA}",
                "userPassword:: {b40}",
                "userPassword: <hash>",
            ),
        ),
    ),
    token(
        "cisco-password",
        "Cisco Device Password",
        HASH,
        # IOS configuration: type 7 is a reversible encoding (the password itself), types 5, 8
        # and 9 are md5crypt, PBKDF2-SHA256 and scrypt hashes.
        r"(?:password|secret)[ \t]+(?:7[ \t]+(?=[0-9]{2}[0-9A-Fa-f])|5[ \t]+\$(?=1\$)"
        r"|[89][ \t]+\$(?=[89]\$))"
        rf"(?P<secret>[0-9]{{2}}[0-9A-Fa-f]{{4,96}}|{_MD5}|[89]\${_B64}{{14}}\${_B64}{{43}})",
        ("password", "secret"),
        left=r"(?<![\w\-])",
        right=r"(?![A-Za-z0-9./$])",
        anchored=True,
        by_context=False,
        about=About(
            docs="https://www.cisco.com/c/en/us/support/docs/security-vpn/remote-authentication-dial-user-service-radius/107614-64.html",
            examples=(
                "username admin privilege 15 password 7 1{d1}{H18}",
                " enable secret 5 $1${l2}{d2}${a22}",
                "username ops secret 9 $9${a14}${a43}",
                "enable secret 8 $8${a14}${a43}",
            ),
            negatives=(
                "username admin password 0 {a12}",
                "service password-encryption",
                "enable secret 5 <hash>",
                "username admin password 7 <encrypted>",
            ),
        ),
    ),
    token(
        "ntlm-hash-dump",
        "Windows NT Password Hash",
        HASH,
        # pwdump and secretsdump lines: `user:rid:LMHASH:NTHASH:::`. An NT hash is a password
        # equivalent (pass-the-hash), whatever the password.
        r"^\ufeff?[ \t]*[^:\s]{1,104}:[0-9]{1,10}:(?:[a-fA-F0-9]{32}|NO PASSWORD\*{21}):"
        rf"(?P<secret>(?!(?i:{_EMPTY_NT}))[a-fA-F0-9]{{32}}):::",
        (":::",),
        left="",
        right="",
        by_context=False,
        about=About(
            docs="https://vk9-sec.com/windows-password-hashes/",
            examples=(
                "Administrator:500:aad3b435b51404eeaad3b435b51404ee:{h32}:::",
                "CORP\\svc_sql:1105:aad3b435b51404eeaad3b435b51404ee:{h32}:::",
                "Guest:501:{H32}:{H32}:::",
            ),
            negatives=(
                "Guest:501:aad3b435b51404eeaad3b435b51404ee:" + _EMPTY_NT + ":::",
                "Administrator:500:aad3b435b51404eeaad3b435b51404ee:{h31}:::",
                "user:rid:lmhash:nthash:::",
            ),
        ),
    ),
    token(
        "kerberos-asrep-hash",
        "Kerberos AS-REP Hash",
        HASH,
        # hashcat's formats: RC4 `$krb5asrep$23$user@realm:chk$edata2` (chk optional in the
        # short form), AES `$krb5asrep$18$user$realm$chk$edata2`.
        r"\$(?P<secret>krb5asrep\$(?:23\$(?:[^\s:$]{1,256}:)?[a-fA-F0-9]{32}"
        r"|1[78]\$[^\s:$]{1,256}\$[^\s:$]{1,256}\$[a-fA-F0-9]{24})\$[a-fA-F0-9]{64,})",
        ("$krb5asrep$",),
        left="",
        right="",
        by_context=False,
        about=About(
            docs="https://strongwind1.github.io/KerbWolf/guide/hashcat-internals",
            examples=(
                "$krb5asrep$23$jdoe@CORP.LOCAL:{h32}${h200}",
                "$krb5asrep$18$jdoe$CORP.LOCAL${h24}${h160}",
            ),
            negatives=(
                "$krb5asrep$23$jdoe@CORP.LOCAL:{h32}${h40}",
                "$krb5asrep$23$<user>@<realm>:<checksum>$<edata2>",
            ),
        ),
    ),
    token(
        "kerberos-tgs-hash",
        "Kerberos TGS-REP Hash",
        HASH,
        # Kerberoasting output: RC4 `$krb5tgs$23$*user$realm$spn*$chk$edata2` (or no account
        # part), AES `$krb5tgs$18$user$realm$*spn*$chk$edata2`.
        r"\$(?P<secret>krb5tgs\$(?:23\$(?:\*[^\s*]{1,512}\*\$)?[a-fA-F0-9]{32}"
        r"|1[78]\$[^\s$*]{1,256}\$[^\s$*]{1,256}\$(?:\*[^\s*]{1,512}\*\$)?[a-fA-F0-9]{24})"
        r"\$[a-fA-F0-9]{64,})",
        ("$krb5tgs$",),
        left="",
        right="",
        by_context=False,
        about=About(
            docs="https://strongwind1.github.io/KerbWolf/guide/hash-formats",
            examples=(
                "$krb5tgs$23$*svc_sql$CORP.LOCAL$MSSQLSvc/db01.corp.local:1433*${h32}${h300}",
                "$krb5tgs$23${h32}${h300}",
                "$krb5tgs$18$svc_web$CORP.LOCAL$*HTTP/web01*${h24}${h300}",
            ),
            negatives=(
                "$krb5tgs$23$*svc_sql$CORP.LOCAL$MSSQLSvc/db01*${h32}${h20}",
                "$krb5tgs$23$*user$realm$spn*$checksum$edata2",
            ),
        ),
    ),
    # Last: where an error detector above finds the same string, it is the one reported.
    token(
        "bcrypt-password-hash",
        "Password Hash (bcrypt)",
        HASH,
        rf"\$(?P<secret>{_BCRYPT})",
        _BCRYPT_KEYWORDS,
        left=r"(?<![./A-Za-z0-9])",
        right=_HASH_END,
        anchored=True,
        by_context=False,
        about=About(
            docs="https://docs.rs/pwhash/latest/pwhash/bcrypt/index.html",
            examples=('hashed = "$2b$12${a53}"', "$2a$10${a53}", "password: $2y$04${a53}"),
            negatives=(
                "$2b$12${a52}",
                "$2b$99${a53}",
                "$2b$12$<salt-and-hash>",
                "$2c$12${a53}",
            ),
            severity="warning",
        ),
    ),
    token(
        "argon2-password-hash",
        "Password Hash (Argon2)",
        HASH,
        rf"\$(?P<secret>{_ARGON2})",
        _ARGON2_KEYWORDS,
        left=r"(?<![./A-Za-z0-9])",
        right=r"(?![A-Za-z0-9+/$])",
        anchored=True,
        by_context=False,
        about=About(
            docs="https://github.com/P-H-C/phc-string-format/blob/master/phc-sf-spec.md",
            examples=(
                "verify('$argon2id$v=19$m=65536,t=3,p=4${b22}${b43}')",
                '"$argon2i$v=19$m=4096,t=3,p=1${b16}${b32}"',
            ),
            negatives=(
                "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>",
                "$argon2id$v=19$m=65536,t=3,p=4${b22}${b10}",
            ),
            severity="warning",
        ),
    ),
)
