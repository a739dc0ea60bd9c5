"""Personal API tokens: `Authorization: Bearer <token>`."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from calendarapp.models import ApiToken, hash_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as `Authorization: Bearer <token>`."
            )
        token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=hash_token(header[1]), user__is_active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is unknown or was revoked.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
