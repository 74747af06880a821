from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        error_messages={"required": "Give the key a name, such as the app that will use it."},
    )
    monthly_character_limit = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100_000_000,
        label="Monthly character limit",
        help_text="Optional. Requests past it are refused with 429 until next month.",
    )
