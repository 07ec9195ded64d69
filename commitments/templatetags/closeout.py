"""What the plan page and the close-out page need to link to a plan's close-out."""

from django import template

from ..models import Plan
from ..models.closeout import has_ended as plan_has_ended
from ..progress_report import closeout

register = template.Library()


@register.filter
def has_ended(plan: Plan) -> bool:
    return plan_has_ended(plan)


@register.simple_tag
def close_out_formats() -> list[str]:
    return closeout.formats()
