"""The families' web portal: a Flask application factory, one blueprint per feature; and the
dispatcher serving several communes' portals from one process, by host name."""

from entrypoints.web.app import create_app
from entrypoints.web.dispatcher import HostDispatcher, dispatcher_from_environment

__all__ = ["HostDispatcher", "create_app", "dispatcher_from_environment"]
