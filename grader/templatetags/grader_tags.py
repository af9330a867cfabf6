from django import template

register = template.Library()


@register.filter
def test_title(name: str) -> str:
    """A test's function name as the sentence it is: "test_large_logits_do_not_overflow" ->
    "Large logits do not overflow" (the name itself stays in the row's data-test)."""
    words = name.removeprefix("test_").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name
