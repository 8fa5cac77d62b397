import { defineRule } from '../engine/rule';
import { aptSimulates, packageCommands, toolRange, type PackageCommand } from '../engine/packages';

interface Data {
  /** The tool and subcommand as written (`apt-get dist-upgrade`, `yum update`). */
  command: string;
}

const RPM_UPGRADES = new Set(['upgrade', 'update', 'distro-sync', 'upgrade-minimal', 'update-minimal']);
const ZYPPER_UPGRADES = new Set(['update', 'dist-upgrade', 'patch']);

function upgradesEverything(pc: PackageCommand): boolean {
  switch (pc.family) {
    case 'apt':
      return ['upgrade', 'dist-upgrade', 'full-upgrade'].includes(pc.action) && !aptSimulates(pc);
    case 'apk':
      return pc.action === 'upgrade' && pc.operands.length === 0;
    case 'rpm':
      return RPM_UPGRADES.has(pc.action) && pc.operands.length === 0;
    case 'zypper':
      return ZYPPER_UPGRADES.has(pc.action) && pc.operands.length === 0;
    default:
      return false;
  }
}

export default defineRule<'dockerfile', Data>({
  code: 'DF048',
  name: 'dist-upgrade-in-image',
  kind: 'dockerfile',
  severity: 'info',
  fixable: 'never',
  docs: {
    summary: 'A RUN upgrades the whole base system (`apt-get upgrade`, `apk upgrade`, `dnf upgrade`…).',
    what: 'Flags upgrades of the whole base system inside a build, in any stage: `apt-get`/`apt` `upgrade`, `dist-upgrade`, `full-upgrade`; `apk upgrade`; `yum`/`dnf`/`microdnf`/`tdnf` `upgrade`/`update`/`distro-sync` without package names; `zypper update`/`dist-upgrade`/`patch` without package names. Upgrading named packages (`yum update openssl`, `apt-get install --only-upgrade openssl`) is not flagged. Simulations (`-s`) are not flagged.',
    why: 'A blanket upgrade makes the image depend on the day it was built rather than on the base image tag: builds are not reproducible, a `dist-upgrade` may even move to packages of another release, and the base image maintainers\' tested combination is replaced by an untested one. Security updates belong in the base image: rebuild on a newer tag or digest of it. SECURITY-GUIDELINES.md §1 "Regular Updates – Update base images regularly" and §6 "Use specific versions".',
    bad: 'FROM debian:trixie-slim\nRUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*',
    good: 'FROM debian:trixie-20250721-slim\n# rebuild on the newest base tag instead of upgrading inside the image',
    fix: 'No automatic fix: remove the upgrade and move to a newer base image tag (or digest); upgrade single packages by name only when a fix is not yet in the base image.',
    guideline: '§1 Image Security — "Regular Updates – Update base images regularly"; §6 Image Build Security — "Use specific versions"',
    equivalents: ['Trivy DS-0024 (\'apt-get dist-upgrade\' used; deprecated in trivy-checks)', 'hadolint DL3005 (do not use apt-get dist-upgrade; older versions also apt-get upgrade)', 'hadolint DL3017 (do not use apk upgrade; removed in newer versions)'],
    references: [
      'https://github.com/aquasecurity/trivy-checks/blob/main/checks/docker/run_apt_get_dist_upgrade.rego',
      'https://github.com/hadolint/hadolint/wiki/DL3005',
      'https://github.com/hadolint/hadolint/wiki/DL3017',
      'https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often',
    ],
  },
  check(ctx) {
    const out = [];
    for (const pc of packageCommands(ctx)) {
      if (!upgradesEverything(pc)) continue;
      out.push({ range: toolRange(ctx, pc), data: { command: `${pc.display} ${pc.actionWord?.value ?? pc.action}` } });
    }
    return out;
  },
  message(d) {
    return `'${d.command}' upgrades the base image's packages during the build, so the result depends on the build day; use a newer base image tag instead.`;
  },
});
