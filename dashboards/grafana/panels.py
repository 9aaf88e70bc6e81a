"""Grafana dashboard JSON pieces: a grid that places panels, panel builders, variables.

Used by build.py; nothing here knows a metric name but `logstag_up`.
"""


DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# Every query filters by the selected targets.
T = 'target=~"$target"'


class Grid:
    """Places panels left to right on Grafana's 24-column grid, wrapping rows."""

    def __init__(self):
        self.x, self.y, self.row_height, self.next_id = 0, 0, 0, 1
        self.panels = []

    def add(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel["id"] = self.next_id
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.next_id += 1
        self.x += w
        self.row_height = max(self.row_height, h)
        self.panels.append(panel)

    def row(self, title):
        if self.x > 0:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        self.panels.append(
            {
                "type": "row",
                "title": title,
                "id": self.next_id,
                "collapsed": False,
                "panels": [],
                "gridPos": {"x": 0, "y": self.y, "w": 24, "h": 1},
            }
        )
        self.next_id += 1
        self.y += 1


def queries(exprs):
    """[(expr, legend)] → Grafana query targets A, B, C…"""
    return [
        {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend, "refId": chr(ord("A") + i)}
        for i, (expr, legend) in enumerate(exprs)
    ]


def timeseries(grid, title, exprs, unit="short", w=12, h=8, description="", stack=False):
    custom = {"fillOpacity": 10, "showPoints": "never", "lineWidth": 1}
    if stack:
        custom["stacking"] = {"mode": "normal", "group": "A"}
        custom["fillOpacity"] = 40
    grid.add(
        {
            "type": "timeseries",
            "title": title,
            "description": description,
            "datasource": DATASOURCE,
            "targets": queries(exprs),
            "fieldConfig": {"defaults": {"unit": unit, "min": 0, "custom": custom}, "overrides": []},
            "options": {
                "legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                "tooltip": {"mode": "multi", "sort": "desc"},
            },
        },
        w,
        h,
    )


def stat(grid, title, expr, unit="short", w=4, h=4, red_above=None, description=""):
    steps = [{"color": "green", "value": None}]
    if red_above is not None:
        steps.append({"color": "red", "value": red_above})
    grid.add(
        {
            "type": "stat",
            "title": title,
            "description": description,
            "datasource": DATASOURCE,
            "targets": queries([(expr, "")]),
            "fieldConfig": {
                "defaults": {"unit": unit, "thresholds": {"mode": "absolute", "steps": steps}},
                "overrides": [],
            },
            "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}, "colorMode": "value"},
        },
        w,
        h,
    )


def table(grid, title, columns, w=24, h=10, description=""):
    """One row per target; `columns` = [(header, instant expr by target, unit)]."""
    targets = [
        {"datasource": DATASOURCE, "expr": expr, "refId": chr(ord("A") + i), "instant": True, "format": "table"}
        for i, (_, expr, _) in enumerate(columns)
    ]
    renames = {f"Value #{chr(ord('A') + i)}": header for i, (header, _, _) in enumerate(columns)}
    overrides = [
        {"matcher": {"id": "byName", "options": header}, "properties": [{"id": "unit", "value": unit}]}
        for header, _, unit in columns
    ]
    grid.add(
        {
            "type": "table",
            "title": title,
            "description": description,
            "datasource": DATASOURCE,
            "targets": targets,
            "transformations": [
                {"id": "merge", "options": {}},
                {
                    "id": "organize",
                    "options": {"excludeByName": {"Time": True}, "renameByName": renames},
                },
            ],
            "fieldConfig": {"defaults": {}, "overrides": overrides},
            "options": {"showHeader": True, "sortBy": [{"displayName": columns[0][0], "desc": False}]},
        },
        w,
        h,
    )


def variables(selector):
    """Datasource and target pickers; the fleet dashboard (no selector) also picks engines."""
    fleet = selector is None
    selector = selector or 'engine=~"$engine"'
    target = {
        "name": "target",
        "label": "Target",
        "type": "query",
        "datasource": DATASOURCE,
        "query": {"query": f"label_values(logstag_up{{{selector}}}, target)", "refId": "targets"},
        "definition": f"label_values(logstag_up{{{selector}}}, target)",
        "refresh": 2,
        "multi": True,
        "includeAll": True,
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "sort": 1,
    }
    found = [
        {
            "name": "datasource",
            "label": "Prometheus",
            "type": "datasource",
            "query": "prometheus",
            "current": {},
            "refresh": 1,
        }
    ]
    if fleet:
        found.append(
            {
                "name": "engine",
                "label": "Engine",
                "type": "query",
                "datasource": DATASOURCE,
                "query": {"query": "label_values(logstag_up, engine)", "refId": "engines"},
                "definition": "label_values(logstag_up, engine)",
                "refresh": 2,
                "multi": True,
                "includeAll": True,
                "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
                "sort": 1,
            }
        )
    return found + [target]


def dashboard(uid, title, description, selector, grid):
    """`selector` picks the engine's targets (`engine="postgresql"`); None for the fleet."""
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["logstag", uid.removeprefix("logstag-")],
        "editable": True,
        "graphTooltip": 1,
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {},
        "timezone": "browser",
        "annotations": {"list": []},
        "links": [
            {"type": "dashboards", "tags": ["logstag"], "title": "Logstag", "asDropdown": True, "includeVars": True}
        ],
        "templating": {"list": variables(selector)},
        "panels": grid.panels,
    }


def rate(counter, by="target", extra=""):
    selector = T + (f",{extra}" if extra else "")
    return f"sum by ({by}) (rate(logstag_{counter}_total{{{selector}}}[$__rate_interval]))"


def gauge(name, by="target", extra="", agg="max"):
    selector = T + (f",{extra}" if extra else "")
    return f"{agg} by ({by}) (logstag_{name}{{{selector}}})"


def up_stats(grid, e):
    sel = f"{e},{T}"
    stat(grid, "Targets", f"count(logstag_up{{{sel}}})", w=4)
    stat(grid, "Down", f"count(logstag_up{{{sel}}} == 0) or vector(0)", w=4, red_above=1)


def sessions_row(g, e):
    """The SQL engines' common session panels."""
    timeseries(g, "Sessions by state", [(gauge("sessions_by_state", by="target, key", extra=e, agg="sum"), "{{target}} {{key}}")], stack=True)
    timeseries(
        g,
        "Connections",
        [(gauge("connections", extra=e), "{{target}} open"), (gauge("max_connections", extra=e), "{{target}} max")],
    )
    timeseries(g, "Blocked sessions", [(gauge("blocked_sessions", extra=e), "{{target}}")])
    timeseries(g, "Longest query", [(gauge("longest_query_seconds", extra=e), "{{target}}")], unit="s")
