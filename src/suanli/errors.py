"""The one exception tree of suanli.

    SuanliError
    ├── ConfigError                      bad setting value or config file (status 500)
    ├── StoreError                       storage failed (status 500)
    │   ├── NotFoundError                no such article/source (status 404)
    │   └── MigrationError               schema migration failed
    ├── ProviderError                    an external provider failed
    │   ├── MissingKeyError
    │   └── ProviderUnavailableError
    ├── StageError                       one input failed in a pipeline stage (status 422)
    │   ├── FetchError                   network, policy, HTTP status, size cap
    │   ├── ExtractError                 no usable text, bad encoding, bad record
    │   └── UnsupportedInputError        unknown file type or URL scheme
    └── BadQueryError                    a search query or filter that cannot run (status 400)

Messages are one sentence, start with a capital letter, name the input in quotes and,
where the user can act, say how to fix it.
"""

from __future__ import annotations


class SuanliError(Exception):
    """Base of every error suanli raises on purpose."""

    status = 500


class ConfigError(SuanliError):
    pass


class StoreError(SuanliError):
    pass


class NotFoundError(StoreError):
    status = 404


class MigrationError(StoreError):
    pass


class ProviderError(SuanliError):
    status = 502


class MissingKeyError(ProviderError):
    status = 400


class ProviderUnavailableError(ProviderError):
    pass


class StageError(SuanliError):
    status = 422


class FetchError(StageError):
    pass


class ExtractError(StageError):
    pass


class UnsupportedInputError(StageError):
    status = 400


class BadQueryError(SuanliError):
    status = 400
