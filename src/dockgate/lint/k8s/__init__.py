"""Kubernetes manifest checks: Pod Security Standards (versioned) and best practices.

``load_inputs`` reads files, folders and stdin into :class:`K8sObject` values;
``check_objects`` runs every selected rule over all of them at once (some rules, such as
the NetworkPolicy ones, need every document of the input).
"""

from dockgate.lint.k8s.loader import LoadResult, load_inputs
from dockgate.lint.k8s.model import K8sObject
from dockgate.lint.k8s.runner import CheckOptions, check_objects

__all__ = ["CheckOptions", "K8sObject", "LoadResult", "check_objects", "load_inputs"]
