"""A small browser on the standard library: cookies, forms as the page has them, multipart posts."""

from __future__ import annotations

import http.cookiejar
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Page:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: a cookie jar shared by every server on 127.0.0.1 (cookies ignore
    the port), so a session opened through nginx is the same on each app server."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        cookies = urllib.request.HTTPCookieProcessor(self.cookies)
        self.opener = urllib.request.build_opener(cookies, NoRedirect)

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None, base: str = "") -> Page:
        url = urllib.parse.urljoin(base or self.base, path)
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(response.status, url, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return Page(error.code, url, dict(error.headers), error.read())

    def get(self, path: str, **kwargs) -> Page:
        return self.open(path, **kwargs)

    def post(self, path: str, fields: dict, files: dict | None = None, **kwargs) -> Page:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.open(path, data=body, headers={"Content-Type": content_type}, **kwargs)

    def csrf_token(self) -> str:
        return next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")

    def log_in(self, username: str, password: str) -> None:
        self.get("/login/")
        page = self.post("/login/", {"username": username, "password": password})
        assert page.status == 302, f"log-in as {username} answered {page.status}"

    def signed_in(self) -> bool:
        page = self.get("/")
        return page.status == 200 and 'action="/logout/"' in page.text


def multipart(fields: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"{head}{item}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class FormReader(HTMLParser):
    """The fields of the form with the given attributes, with the values the page filled in."""

    def __init__(self, **attributes: str):
        super().__init__()
        self.attributes, self.inside, self.fields = attributes, False, {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = all(attrs.get(key) == value for key, value in self.attributes.items())
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "file", "button"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            # A browser drops the newline that follows <textarea>.
            self.fields[self.textarea] = self.fields[self.textarea].removeprefix("\n")
            self.textarea = None


def form_fields(page: Page, **attributes: str) -> dict[str, str]:
    """E.g. form_fields(page, action="/reports/generate/"), form_fields(page, **{"class": "update-form"})."""
    reader = FormReader(**attributes)
    reader.feed(page.text)
    return reader.fields


def links(page: Page, pattern: str) -> list[str]:
    return re.findall(rf'href="({pattern})"', page.text)
