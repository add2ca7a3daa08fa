"""Exports made with labels instead of XML names, mapped back through the form."""

from __future__ import annotations

from sitetrack.intake.formspec import FormGroup, FormSpec


class LabelTranslator:
    def __init__(self, form: FormSpec) -> None:
        self.header_map: dict[str, str] = {}
        self.value_maps: dict[str, dict[str, str]] = {}
        self.multi: dict[str, dict[str, str]] = {}

        def visit(items, names: tuple[str, ...], labels: tuple[tuple[str, str], ...]):
            for item in items:
                if isinstance(item, FormGroup):
                    visit(item.items, (*names, item.name), (*labels, (item.label_en, item.label_fr)))
                    continue
                full = "/".join((*names, item.name))
                for lang in (0, 1):
                    label = (item.label_en, item.label_fr)[lang]
                    if not label:
                        continue
                    self.header_map.setdefault(label, full)
                    path = "/".join([g[lang] for g in labels] + [label])
                    self.header_map.setdefault(path, full)
                if item.list_name:
                    choices = form.choices.get(item.list_name, [])
                    table = {}
                    for c in choices:
                        table[c.label_en] = c.name
                        table[c.label_fr] = c.name
                        table[c.name] = c.name
                    if item.base_type == "select_one":
                        self.value_maps[item.name] = table
                    else:
                        self.multi[item.name] = table

        visit(form.items, (), ())

    def matches(self, headers: list[str]) -> float:
        known = [h for h in headers if not h.startswith("_")]
        return sum(1 for h in known if h.strip() in self.header_map) / max(1, len(known))

    def headers(self, headers: list[str]) -> list[str]:
        return [self.header_map.get(h.strip(), h.strip()) for h in headers]

    def value(self, key: str, value):
        table = self.value_maps.get(key)
        if table is not None and isinstance(value, str):
            return table.get(value, value)
        table = self.multi.get(key)
        if table is not None and isinstance(value, str):
            # Labels of a select_multiple are joined by spaces or commas; match the
            # longest known labels first.
            rest, names = value, []
            for label in sorted(table, key=len, reverse=True):
                if label and label in rest:
                    names.append(table[label])
                    rest = rest.replace(label, " ")
            if names and not rest.strip(" ,;"):
                return " ".join(sorted(set(names)))
        return value
