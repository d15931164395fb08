"""Databases, connection strings, keys and observability platforms."""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import UUID, P, alnum, hex_
from ztgate.secrets.detectors import keyed, token

DB = "database"
OBS = "observability"
KEY = "private-key"

_SUMO = r"sumo(?:_?logic)?(?:[._\-]|access|key|id|token)"

DETECTORS = (
    token(
        "connection-url-password",
        "Password in URL",
        DB,
        r"://[^\s:@/'\"<>]{1,100}:(?P<secret>[^\s@/'\"<>]{3,200})@[\w.\-\[\]]+",
        ("://",),
        left="",
    ),
    token(
        "jdbc-password",
        "Password in JDBC URL",
        DB,
        # The URL up to `password=` holds no second `jdbc:`: each `jdbc:` of a long run of them
        # would otherwise rescan the rest of the token (quadratic).
        r"jdbc:[a-z0-9]+:(?:(?!jdbc:)[^\s'\"])*?[;?&]password=(?P<secret>[^&;\s'\"]{3,})",
        ("jdbc:",),
    ),
    token(
        "connection-string-password",
        "Password in Connection String",
        DB,
        # At most 128 characters (SQL Server's limit): unbounded, every `pwd=` of `pwd=pwd=...`
        # scanned the rest of the line for its `;`.
        # Possessive on 3.11+: the value's class holds neither blanks nor `;`, so giving back
        # a character of it never lets `\s*;` match (the same matches, one pass each).
        rf"(?i:password|pwd)\s*{P}=\s*{P}(?P<secret>[^;'\"\s{{}}]{{4,128}}{P})\s*;",
        ("password", "pwd"),
        left=r"(?<![A-Za-z0-9_])",
        anchored=True,
        needs=";",
    ),
    token(
        "clickhouse-cloud-key", "ClickHouse Cloud API Secret", DB, r"4b1d" + alnum(38), ("4b1d",)
    ),
    token(
        "planetscale-token",
        "PlanetScale Token",
        DB,
        r"pscale_(?:tkn|oauth|pw)_[\w=.\-]{32,64}",
        ("pscale_",),
    ),
    token("neon-api-key", "Neon API Key", DB, r"napi_[a-z0-9]{64}", ("napi_",)),
    keyed(
        "mongodb-atlas-key",
        "MongoDB Atlas API Key",
        DB,
        r"atlas|mongodb",
        UUID,
        ("atlas", "mongodb"),
    ),
    keyed(
        "upstash-token",
        "Upstash Redis Token",
        DB,
        r"upstash",
        r"[A-Za-z0-9=_\-]{60,}",
        ("upstash",),
        min_entropy=3.5,
    ),
    keyed(
        "confluent-secret",
        "Confluent Cloud API Secret",
        DB,
        r"confluent",
        r"[A-Za-z0-9+/]{64}",
        ("confluent",),
        min_entropy=3.5,
    ),
    keyed("aiven-token", "Aiven API Token", DB, r"aiven", r"[A-Za-z0-9/+=]{372}", ("aiven",)),
    token(
        "private-key",
        "Private Key",
        KEY,
        r"-----BEGIN[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----"
        # The body holds no `-----` (PEM bodies are base64): the lazy search for the END line
        # stops at the next header instead of rescanning to the end of the file from each one.
        r"(?P<secret>(?:(?!-----)[\s\S]){16,}?)"
        r"-----END[ A-Z0-9_\-]{0,100}PRIVATE KEY(?: BLOCK)?-----",
        ("private key",),
        left="",
        right="",
    ),
    token(
        "putty-private-key",
        "PuTTY Private Key",
        KEY,
        r"PuTTY-User-Key-File-\d: (?P<secret>[^\r\n]+)",
        ("putty-user-key-file",),
        left="",
    ),
    token(
        "sidekiq-secret",
        "Sidekiq Enterprise Credentials",
        DB,
        r"BUNDLE_(?:ENTERPRISE__CONTRIBSYS__COM|GEMS__CONTRIBSYS__COM)[ \t]*[=:][ \t]*['\"]?"
        r"(?P<secret>[a-f0-9]{8}:[a-f0-9]{8})",
        ("bundle_",),
    ),
    # Observability
    keyed(
        "datadog-api-key",
        "Datadog API Key",
        OBS,
        r"datadog|dd_api|dd-api",
        hex_(32),
        ("datadog", "dd_api", "dd-api"),
    ),
    keyed(
        "datadog-app-key",
        "Datadog Application Key",
        OBS,
        r"datadog|dd_app|dd-app",
        hex_(40),
        ("datadog", "dd_app", "dd-app"),
    ),
    token("newrelic-user-key", "New Relic User API Key", OBS, r"NRAK-[A-Z0-9]{27}", ("nrak-",)),
    token(
        "newrelic-browser-key", "New Relic Browser API Key", OBS, r"NRJS-" + hex_(19), ("nrjs-",)
    ),
    token(
        "newrelic-insights-key",
        "New Relic Insights Key",
        OBS,
        r"NRI[IQ]-[\w\-]{32}",
        ("nrii-", "nriq-"),
        anchored=True,
    ),
    keyed(
        "newrelic-license-key",
        "New Relic License Key",
        OBS,
        r"new_?relic|nr_license",
        r"[a-f0-9]{36}NRAL|" + hex_(40),
        ("newrelic", "new_relic", "nr_license"),
    ),
    token(
        "dynatrace-token",
        "Dynatrace API Token",
        OBS,
        r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
        ("dt0c01.",),
    ),
    token(
        "grafana-cloud-token",
        "Grafana Cloud API Token",
        OBS,
        r"glc_[A-Za-z0-9+/]{32,400}={0,2}",
        ("glc_",),
        min_entropy=3.5,
    ),
    token(
        "grafana-service-account-token",
        "Grafana Service Account Token",
        OBS,
        r"glsa_" + alnum(32) + "_" + hex_(8),
        ("glsa_",),
    ),
    token(
        "grafana-api-key",
        "Grafana API Key",
        OBS,
        r"eyJrIjoi[A-Za-z0-9]{70,400}={0,2}",
        ("eyjrijoi",),
    ),
    token(
        "sentry-org-token",
        "Sentry Organization Token",
        OBS,
        r"sntrys_eyJ[A-Za-z0-9+/=]{40,}_[A-Za-z0-9+/=]{40,}",
        ("sntrys_",),
    ),
    token("sentry-user-token", "Sentry User Token", OBS, r"sntryu_" + hex_(64), ("sntryu_",)),
    keyed("sentry-access-token", "Sentry Access Token", OBS, r"sentry", hex_(64), ("sentry",)),
    token(
        "sentry-dsn",
        "Sentry DSN",
        OBS,
        r"https://(?P<secret>[a-f0-9]{32})(?::[a-f0-9]{32})?@[\w.\-]*sentry\.io/\d+",
        ("sentry.io",),
        left="",
    ),
    keyed(
        "sumologic-access-id",
        "Sumo Logic Access ID",
        OBS,
        _SUMO,
        r"su[a-zA-Z0-9]{12}",
        ("sumo",),
        min_entropy=3.0,
    ),
    keyed(
        "sumologic-access-key",
        "Sumo Logic Access Key",
        OBS,
        _SUMO,
        alnum(64),
        ("sumo",),
        min_entropy=3.5,
    ),
    keyed(
        "splunk-token", "Splunk HEC Token", OBS, r"splunk|hec_token", UUID, ("splunk", "hec_token")
    ),
    keyed("rollbar-token", "Rollbar Access Token", OBS, r"rollbar", hex_(32), ("rollbar",)),
    keyed("bugsnag-api-key", "Bugsnag API Key", OBS, r"bugsnag", hex_(32), ("bugsnag",)),
    keyed(
        "honeycomb-api-key",
        "Honeycomb API Key",
        OBS,
        r"honeycomb",
        r"[a-zA-Z0-9]{22,64}",
        ("honeycomb",),
        min_entropy=3.5,
    ),
    keyed("loggly-token", "Loggly Token", OBS, r"loggly", UUID, ("loggly",)),
    keyed("logzio-token", "Logz.io Token", OBS, r"logz", alnum(32), ("logz",), min_entropy=3.5),
    keyed(
        "lightstep-token",
        "Lightstep Access Token",
        OBS,
        r"lightstep",
        r"[A-Za-z0-9/+=]{60,}",
        ("lightstep",),
        min_entropy=3.5,
    ),
    keyed(
        "pagerduty-token",
        "PagerDuty API Key",
        OBS,
        r"pagerduty|pd_api",
        r"[a-zA-Z0-9_+\-]{20}",
        ("pagerduty", "pd_api"),
        min_entropy=3.5,
    ),
    keyed("opsgenie-key", "Opsgenie API Key", OBS, r"opsgenie", UUID, ("opsgenie",)),
    keyed(
        "honeybadger-key",
        "Honeybadger API Key",
        OBS,
        r"honeybadger",
        alnum("20,32"),
        ("honeybadger",),
        min_entropy=3.5,
    ),
    keyed(
        "elastic-api-key",
        "Elastic API Key",
        OBS,
        r"elastic",
        r"[A-Za-z0-9_\-]{20,}={0,2}",
        ("elastic",),
        min_entropy=4.0,
    ),
    keyed(
        "segment-write-key",
        "Segment Write Key",
        OBS,
        r"segment",
        alnum(32),
        ("segment",),
        min_entropy=3.5,
    ),
    keyed("mixpanel-secret", "Mixpanel API Secret", OBS, r"mixpanel", hex_(32), ("mixpanel",)),
    keyed("amplitude-secret", "Amplitude API Secret", OBS, r"amplitude", hex_(32), ("amplitude",)),
    keyed(
        "launchdarkly-key",
        "LaunchDarkly Access Token",
        OBS,
        r"launchdarkly",
        r"(?:api|sdk|mob)-" + UUID,
        ("launchdarkly",),
    ),
    token("launchdarkly-sdk-key", "LaunchDarkly SDK Key", OBS, r"sdk-" + UUID, ("sdk-",)),
    keyed("algolia-admin-key", "Algolia Admin API Key", OBS, r"algolia", hex_(32), ("algolia",)),
    token(
        "mapbox-secret-token",
        "Mapbox Secret Token",
        OBS,
        r"sk\.eyJ[\w\-]{50,}\.[\w\-]{20,}",
        ("sk.eyj",),
    ),
)
