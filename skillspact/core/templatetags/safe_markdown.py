"""`{% load safe_markdown %}{{ text|markdown }}`: people's Markdown as sanitised HTML."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from skillspact.core import markdown as markdown_module

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return markdown_module.render(text)
