"""The site's form renderer: labels without a trailing colon, checkboxes before their label."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    field_template_name = "core/forms/field.html"
