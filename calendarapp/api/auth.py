"""Personal API tokens: `Authorization: Bearer <token>`; revoked and expired ones get a 401."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from calendarapp.accounts.tokens import TokenRefused, api_token_authenticate


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
        try:
            token = api_token_authenticate(header[1])
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from None
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
