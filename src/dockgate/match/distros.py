"""Which OSV ecosystems, names and versions a Linux distribution's packages are filed under.

One row of ``_DISTROS`` per os-release ID: the package type the distribution ships, the
ecosystem strings advisories for one installed release are filed under (primary first; OSV
files some releases under several, and each is looked up), and which package name and
version OSV records. Checked against:

- the OSV schema's ecosystem list: ``Debian:<major>``, ``Alpine:v<major.minor>``,
  ``Mageia:<release>`` and openSUSE/SUSE by source package; ``Wolfi`` and ``Chainguard``
  with no release; ``openSUSE:<release>`` and ``SUSE:<release>`` with the product's
  marketing name (``openSUSE:Leap 15.5``, ``openSUSE:Tumbleweed``,
  ``SUSE:Linux Enterprise Server 15 SP5``; on SLE 15 base packages ship in modules, filed as
  ``SUSE:Linux Enterprise Module for Basesystem 15 SP5``);
- Canonical's "Ubuntu OSV data" documentation: source package names, ``Ubuntu:22.04:LTS``
  for LTS releases, ``Ubuntu:24.10`` for interim ones, ``Ubuntu:Pro:22.04:LTS`` for fixes
  shipped through Ubuntu Pro (ESM);
- Red Hat's CSAF-to-OSV converter (ossf/osv-schema tools/redhat): binary RPM names, versions
  ``epoch:version-release``, ecosystems ``Red Hat:`` + the product CPE without
  ``cpe:/[oa]:redhat:`` (``Red Hat:enterprise_linux:9::baseos``, ``::appstream``, ``::crb``;
  ``::server`` for RHEL 7); from RHEL 10 on the CPEs carry the minor release and no channel
  (Red Hat's CPE documentation), so every minor release of the major is looked up;
- Rocky Linux's OSV export (resf/distro-tools apollo): ``Rocky Linux:<major>``, source RPM
  names; AlmaLinux's errata2osv: ``AlmaLinux:<major>``, the RPM names of the updateinfo
  package list (binary RPMs, so both the binary and its source RPM are looked up).

RPM versions are ``[epoch:]version-release`` as the rpm cataloguer writes them (a missing
epoch compares as 0, the same as OSV's explicit ``0:``).
"""

from __future__ import annotations

from typing import Callable

from dockgate.catalog.package import OSInfo, Package
from dockgate.match.model import Lookup, NotMatchable

# Other spellings of os-release IDs that SBOM tools write in OS components and "distro" qualifiers.
_ALIASES = {
    "redhat": "rhel",
    "alma": "almalinux",
    "rockylinux": "rocky",
    "opensuse": "opensuse-leap",
    "opensuse.leap": "opensuse-leap",
    "opensuse.tumbleweed": "opensuse-tumbleweed",
    "suse linux enterprise server": "sles",
}
_RHEL_LAST_MINOR = 10  # RHEL majors run to x.10: an old image's packages may be fixed in any later minor release


def _release(os_info: OSInfo, distro: str, fields: int) -> list[str]:
    """The first ``fields`` numeric fields of VERSION_ID ("22.04.3" -> ["22", "04"])."""
    if not os_info.version_id:
        raise NotMatchable(f"{distro} without a VERSION_ID: no OSV release ecosystem can be chosen")
    parts = os_info.version_id.split(".")[:fields]
    if len(parts) < fields or not all(part.isdigit() for part in parts):
        raise NotMatchable(f"{distro} version {os_info.version_id!r} does not name a release ({fields} numeric fields needed)")
    return parts


def _minor(os_info: OSInfo) -> int:
    parts = os_info.version_id.split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _ubuntu(os_info: OSInfo) -> list[str]:
    year, month = _release(os_info, "Ubuntu", 2)
    release = f"{year}.{month}"
    if "LTS" in os_info.pretty_name.split() or (month == "04" and int(year) % 2 == 0):
        return [f"Ubuntu:{release}:LTS", f"Ubuntu:Pro:{release}:LTS"]
    return [f"Ubuntu:{release}"]


def _red_hat(os_info: OSInfo) -> list[str]:
    major = int(_release(os_info, "Red Hat Enterprise Linux", 1)[0])
    if major >= 10:
        minor = _minor(os_info)
        minors = [minor, *(m for m in range(max(minor, _RHEL_LAST_MINOR) + 1) if m != minor)]
        return [f"Red Hat:enterprise_linux:{major}.{m}" for m in minors]
    channels = ("baseos", "appstream", "crb") if major >= 8 else ("server",)
    return [f"Red Hat:enterprise_linux:{major}::{channel}" for channel in channels]


def _sles(os_info: OSInfo) -> list[str]:
    major = _release(os_info, "SUSE Linux Enterprise", 1)[0]
    minor = _minor(os_info)
    release = f"{major}.{minor}" if int(major) >= 16 else f"{major} SP{minor}" if minor else major
    found = [f"SUSE:Linux Enterprise Server {release}", f"SUSE:Linux Enterprise Server {release}-LTSS"]
    if major == "15":
        found += [f"SUSE:Linux Enterprise Module for {module} {release}" for module in ("Basesystem", "Server Applications")]
    return found


def _named(template: str, distro: str, fields: int) -> Callable[[OSInfo], list[str]]:
    return lambda os_info: [template.format(*_release(os_info, distro, fields))]


Names = list[tuple[str, str]]


def _source(package: Package) -> Names:
    return [(package.source_name or package.name, package.source_version or package.version)]


def _origin(package: Package) -> Names:
    return [(package.source_name or package.name, package.version)]


def _binary(package: Package) -> Names:
    return [(package.name, package.version)]


def _binary_and_source(package: Package) -> Names:
    found = _binary(package)
    if package.source_name and package.source_name != package.name:
        found.append((package.source_name, package.source_version or package.version))
    return found


# os-release ID -> (package type, ecosystems of the installed release, names and versions looked up)
_DISTROS: dict[str, tuple[str, Callable[[OSInfo], list[str]], Callable[[Package], Names]]] = {
    "debian": ("deb", _named("Debian:{}", "Debian", 1), _source),
    "ubuntu": ("deb", _ubuntu, _source),
    "alpine": ("apk", _named("Alpine:v{}.{}", "Alpine", 2), _origin),
    "wolfi": ("apk", lambda os_info: ["Wolfi"], _origin),
    "chainguard": ("apk", lambda os_info: ["Chainguard"], _origin),
    "rhel": ("rpm", _red_hat, _binary),
    "rocky": ("rpm", _named("Rocky Linux:{}", "Rocky Linux", 1), _source),
    "almalinux": ("rpm", _named("AlmaLinux:{}", "AlmaLinux", 1), _binary_and_source),
    "mageia": ("rpm", _named("Mageia:{}", "Mageia", 1), _source),
    "opensuse-leap": ("rpm", _named("openSUSE:Leap {}.{}", "openSUSE Leap", 2), _source),
    "opensuse-tumbleweed": ("rpm", lambda os_info: ["openSUSE:Tumbleweed"], _source),
    "sles": ("rpm", _sles, _source),
}


def os_lookups(package: Package, os_info: OSInfo) -> list[Lookup]:
    """Every lookup of a deb, apk or rpm package on ``os_info``, the primary one first;
    raises NotMatchable when OSV covers no release of that distribution."""
    os_id = _ALIASES.get(os_info.id, os_info.id)
    distro = _DISTROS.get(os_id)
    if not os_id:
        raise NotMatchable(f"{package.type} package on an unidentified OS (no os-release): no OSV release ecosystem to look it up in")
    shown = f"{os_info.id} {os_info.version_id}".strip()
    if distro is None:
        raise NotMatchable(f"{package.type} package on {shown}: OSV has no ecosystem for this distribution")
    kind, ecosystems, names = distro
    if package.type != kind:
        raise NotMatchable(f"{package.type} package on {shown}: OSV covers {os_id} {kind} packages only")
    found = names(package)
    return [Lookup(ecosystem, name, version) for ecosystem in ecosystems(os_info) for name, version in found]
