from django import template

register = template.Library()

_BADGES = {
    "ready": "badge-ok",
    "verified": "badge-ok",
    "approved": "badge-ok",
    "processing": "",
    "pending": "badge-muted",
    "draft": "badge-muted",
    "needs_review": "badge-warn",
    "expired": "badge-warn",
    "failed": "badge-error",
    "revoked": "badge-error",
}


@register.filter
def badge_class(state: str) -> str:
    """The badge colour for a voice status or consent state."""
    return _BADGES.get(state, "badge-muted")


@register.filter
def label(state: str) -> str:
    return (state or "").replace("_", " ").capitalize()


@register.filter
def percent(value) -> str:
    return "" if value is None else f"{100 * float(value):.0f}%"


@register.filter
def stock_description(voice_id: str) -> str:
    """A stock voice's one-line description: known language and gender, measured pitch and pace."""
    from voices.stock_profiles import stock_description as describe

    return describe(voice_id)
