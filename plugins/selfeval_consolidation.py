"""The consolidation view in the Airflow UI: the pages of selfeval_airflow.consolidation, served
by the api-server under /selfeval/ and linked from the navigation (自评汇总).

Wiring only: the app builds its pages from the warehouse when a page is requested.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from selfeval_airflow.consolidation import MOUNT, app

NAME = "自评汇总"  # short: the navigation shows about four characters


class SelfevalConsolidationPlugin(AirflowPlugin):
    name = "selfeval_consolidation"
    # AirflowPlugin declares these as plain class attributes, not ClassVars.
    fastapi_apps = [{"app": app, "url_prefix": MOUNT, "name": NAME}]  # noqa: RUF012
    external_views = [  # noqa: RUF012
        {
            "name": NAME,
            "href": f"{MOUNT.lstrip('/')}/",
            "url_route": "selfeval",
            "destination": "nav",
            "nav_top_level": True,
        }
    ]
