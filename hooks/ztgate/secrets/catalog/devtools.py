"""Source hosting, CI/CD, package registries and secret managers."""

from __future__ import annotations

from ztgate.secrets.catalog._shapes import UUID, alnum, hex_, urlsafe
from ztgate.secrets.detectors import keyed, token

VCS = "vcs"
CI = "ci-cd"
REG = "package-registry"
SM = "secret-manager"

DETECTORS = (
    # Source hosting
    token(
        "github-pat",
        "GitHub Token",
        VCS,
        r"gh[pousr]_" + alnum(36),
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        anchored=True,
    ),
    token(
        "github-fine-grained-pat",
        "GitHub Fine-grained Token",
        VCS,
        r"github_pat_\w{82}",
        ("github_pat_",),
    ),
    token(
        "gitlab-token",
        "GitLab Token",
        VCS,
        r"(?:glpat|gldt|glft|glsoat|glrt|glcbt|glffct|glimt|glagent|gloas|glwt)-"
        r"[0-9a-zA-Z_\-]{20,64}",
        (
            "glpat-",
            "gldt-",
            "glft-",
            "glsoat-",
            "glrt-",
            "glcbt-",
            "glffct-",
            "glimt-",
            "glagent-",
            "gloas-",
            "glwt-",
        ),
        anchored=True,
    ),
    token("gitlab-ptt", "GitLab Pipeline Trigger Token", VCS, r"glptt-" + hex_(40), ("glptt-",)),
    token(
        "gitlab-runner-registration",
        "GitLab Runner Registration Token",
        VCS,
        r"GR1348941[\w\-]{20}",
        ("gr1348941",),
        min_entropy=3.3,
    ),
    token(
        "bitbucket-app-password",
        "Bitbucket App Password",
        VCS,
        r"ATBB[A-Za-z0-9_=.\-]{32}",
        ("atbb",),
    ),
    keyed(
        "bitbucket-client-secret",
        "Bitbucket Client Secret",
        VCS,
        r"bitbucket",
        r"[a-zA-Z0-9=_\-]{64}",
        ("bitbucket",),
        min_entropy=3.5,
    ),
    keyed("gitea-token", "Gitea Access Token", VCS, r"gitea", hex_(40), ("gitea",)),
    token(
        "sourcegraph-token",
        "Sourcegraph Access Token",
        VCS,
        r"sgp_(?:[a-fA-F0-9]{16}_|local_)?" + hex_(40),
        ("sgp_",),
        min_entropy=3.0,
    ),
    keyed(
        "sourcegraph-legacy-token",
        "Sourcegraph Access Token",
        VCS,
        r"sourcegraph",
        hex_(40),
        ("sourcegraph",),
    ),
    # CI/CD
    token(
        "circleci-pat",
        "CircleCI Personal Token",
        CI,
        r"CCIPAT_" + alnum(22) + "_" + hex_(40),
        ("ccipat_",),
    ),
    keyed("circleci-token", "CircleCI Token", CI, r"circle", hex_(40), ("circle",)),
    keyed(
        "travis-token", "Travis CI Token", CI, r"travis", urlsafe(22), ("travis",), min_entropy=3.5
    ),
    token("buildkite-token", "Buildkite Agent/API Token", CI, r"bkua_" + hex_(40), ("bkua_",)),
    keyed(
        "buildkite-agent-token",
        "Buildkite Agent Token",
        CI,
        r"buildkite",
        r"[a-z0-9]{50}",
        ("buildkite",),
        min_entropy=3.5,
    ),
    keyed(
        "jenkins-api-token", "Jenkins API Token", CI, r"jenkins", r"[a-f0-9]{32,34}", ("jenkins",)
    ),
    keyed("drone-token", "Drone CI Token", CI, r"drone", alnum(32), ("drone",), min_entropy=3.5),
    token(
        "teamcity-token",
        "TeamCity Access Token",
        CI,
        r"eyJ0eXAiOiAiVENWMiJ9\.[\w\-]{36}\.[\w\-]{48}",
        ("eyj0exaioiaivenwmij9",),
    ),
    token(
        "harness-pat",
        "Harness Access Token",
        CI,
        r"(?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
        ("pat.", "sat."),
        anchored=True,
    ),
    token("octopus-deploy-api-key", "Octopus Deploy API Key", CI, r"API-[A-Z0-9]{26}", ("api-",)),
    keyed("codecov-token", "Codecov Token", CI, r"codecov", UUID + "|" + hex_(32), ("codecov",)),
    keyed("snyk-token", "Snyk API Token", CI, r"snyk", UUID, ("snyk",)),
    token(
        "sonarqube-token",
        "SonarQube Token",
        CI,
        r"sq[pua]_" + alnum(40),
        ("sqp_", "squ_", "sqa_"),
        anchored=True,
    ),
    keyed(
        "sonar-token", "SonarQube Token", CI, r"sonar", r"(?:sq[pua]_)?[A-Za-z0-9]{40}", ("sonar",)
    ),
    token("infracost-api-token", "Infracost API Token", CI, r"ico-" + alnum(32), ("ico-",)),
    token("prefect-api-key", "Prefect API Key", CI, r"pnu_" + alnum(36), ("pnu_",)),
    # Package registries
    token("npm-access-token", "NPM Access Token", REG, r"npm_" + alnum(36), ("npm_",)),
    token(
        "npmrc-auth-token",
        "NPM Auth Token",
        REG,
        r":_auth(?:Token)?\s*=\s*['\"]?(?P<secret>[A-Za-z0-9+/=._\-]{20,})",
        (":_auth",),
        left="",
    ),
    token("pypi-token", "PyPI Token", REG, r"pypi-AgE[A-Za-z0-9_\-]{50,}", ("pypi-age",)),
    token("rubygems-api-key", "RubyGems API Key", REG, r"rubygems_" + hex_(48), ("rubygems_",)),
    token("nuget-api-key", "NuGet API Key", REG, r"oy2[a-z0-9]{43}", ("oy2",), min_entropy=3.5),
    token(
        "nuget-config-password",
        "NuGet Config Password",
        REG,
        r"<add\s+key=\"(?:ClearText)?Password\"\s+value=\"(?P<secret>[^\"]{4,})\"",
        ("password",),
        left="",
        right="",
        flags=0,
    ),
    token("clojars-token", "Clojars Deploy Token", REG, r"CLOJARS_[a-z0-9]{60}", ("clojars_",)),
    token(
        "docker-hub-token",
        "Docker Hub Access Token",
        REG,
        r"dckr_(?:pat|oat)_[\w\-]{27,}",
        ("dckr_pat_", "dckr_oat_"),
        anchored=True,
    ),
    token(
        "docker-config-auth",
        "Docker Registry Credentials",
        REG,
        r"\"auth\"\s*:\s*\"(?P<secret>[A-Za-z0-9+/]{16,}={0,2})\"",
        ('"auth"',),
        left="",
        right="",
    ),
    token("artifactory-api-key", "Artifactory API Key", REG, r"AKCp[A-Za-z0-9]{69}", ("akcp",)),
    token(
        "artifactory-reference-token",
        "Artifactory Reference Token",
        REG,
        r"cmVmdGtu[A-Za-z0-9]{56}",
        ("cmvmdgtu",),
    ),
    token(
        "crates-io-token",
        "crates.io API Token",
        REG,
        r"cio[a-zA-Z0-9]{32}",
        ("cio",),
        min_entropy=3.5,
    ),
    keyed(
        "sonatype-password",
        "Sonatype Nexus Token",
        REG,
        r"sonatype|nexus",
        r"[A-Za-z0-9+/=]{44}",
        ("sonatype", "nexus"),
        min_entropy=3.5,
    ),
    # Secret managers
    token("vault-service-token", "HashiCorp Vault Token", SM, r"hvs\.[\w\-]{90,120}", ("hvs.",)),
    token(
        "vault-batch-token", "HashiCorp Vault Batch Token", SM, r"hvb\.[\w\-]{138,300}", ("hvb.",)
    ),
    keyed(
        "vault-legacy-token",
        "HashiCorp Vault Token",
        SM,
        r"vault|token",
        r"s\.[A-Za-z0-9]{24}",
        ("vault", "token"),
        min_entropy=3.0,
    ),
    token(
        "doppler-token",
        "Doppler Token",
        SM,
        r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}",
        ("dp.",),
    ),
    token(
        "1password-service-account-token",
        "1Password Service Account Token",
        SM,
        r"ops_eyJ[A-Za-z0-9+/]{250,}={0,3}",
        ("ops_eyj",),
    ),
    token(
        "1password-secret-key",
        "1Password Secret Key",
        SM,
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
        ("a3-",),
    ),
    token(
        "age-secret-key",
        "age Secret Key",
        SM,
        r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        ("age-secret-key-1",),
    ),
    token(
        "infisical-token",
        "Infisical Token",
        SM,
        r"st\.[a-f0-9-]{36}\.[a-f0-9]{32}\.[a-f0-9]{32}",
        ("st.",),
    ),
    keyed(
        "akeyless-access-key",
        "Akeyless Access Key",
        SM,
        r"akeyless",
        r"[A-Za-z0-9+/=]{40,44}",
        ("akeyless",),
        min_entropy=3.5,
    ),
)
