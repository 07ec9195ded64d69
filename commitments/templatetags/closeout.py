"""What the plan page and the close-out page need to link to a plan's close-out."""

from django import template

from ..progress_report import closeout

register = template.Library()


@register.simple_tag
def close_out_formats() -> list[str]:
    return closeout.formats()
