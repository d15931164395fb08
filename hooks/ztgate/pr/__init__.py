"""The PR gate: the pull request's description fills the security sections of the template."""
