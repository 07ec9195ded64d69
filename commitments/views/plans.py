from django.shortcuts import get_object_or_404, render

from .models import ActionLine, Plan


def plan_list(request):
    plans = Plan.objects.with_line_counts().select_related("parent")
    return render(request, "commitments/plan_list.html", {"plans": plans})


def plan_detail(request, code: str):
    plan = get_object_or_404(Plan.objects.select_related("parent"), code=code)
    return render(request, "commitments/plan_detail.html", {"plan": plan, "outline": plan.outline()})


def line_detail(request, plan: str, code: str):
    line = get_object_or_404(ActionLine.objects.with_structure(), plan__code=plan, code=code)
    return render(request, "commitments/line_detail.html", {"line": line, "plan": line.plan})
