import { type Node, type Scalar, type YAMLSeq } from 'yaml';
import { isSeq } from '../engine/yaml-guards';
import { scalarContentSpan, type ComposeContext, type Service } from '../engine/compose';
import { addToMapEdit, appendToSeqEdit, canAddToService, indentUnit, parsedCleanly } from '../engine/compose-insert';
import { extendedService, isOwnEditable, isPartialService, isSwarmOnlyFile, lookupKey, parseGoBool, reportNodeOf, securityOpts } from '../engine/compose-lookup';
import { defineRule } from '../engine/rule';
import type { Fix, Range, TextEdit } from '../engine/types';
import { defaultMerge, dropCause, dropText, mergedServiceGone, overrideAt, touchRange, type DropCause } from '../engine/override-merge';

type Data =
  | {
      problem: 'missing';
      service: Service;
      /** The service's own, editable `security_opt:` sequence to append to; null to create the key; undefined for no fix. */
      seq: YAMLSeq | null | undefined;
      /** The file is a Swarm stack only `docker stack deploy` runs (isSwarmOnlyFile), whose `docker stack deploy` ignores `security_opt`: no fix, and the message says where to set it. */
      swarm?: true;
      /** Its `security_opt` has an entry that is a mapping or a list, not a string (`- no-new-privileges: true`): Compose refuses the file; no fix. */
      malformed?: true;
    }
  | {
      problem: 'disabled';
      service: Service;
      /** The `no-new-privileges:false` entry when it is written in place (null: inherited, no fix). */
      scalar: Scalar | null;
    }
  | {
      /** The default override drops the base's `security_opt` (`!reset`, `!override`) and sets no-new-privileges in none of its own entries. */
      problem: 'dropped';
      service: Service;
      cause: DropCause;
    };

const OPTION = 'no-new-privileges:true';

/**
 * Whether the service a service `extends:` (or one further up) sets no-new-privileges, for a service
 * whose own `security_opt` list does not: `extends` appends sequences (compose-go merges them with
 * `append`; the Compose merge reference: "A YAML sequence is merged by appending values"), so the
 * base's items stay in the merged list. True also when that base cannot be read (not this rule's
 * finding then).
 */
function baseSetsNoNewPrivileges(ctx: ComposeContext, service: Service, depth = 0): boolean {
  if (depth > 8) return true;
  const base = extendedService(ctx, service);
  if (base === undefined) return false;
  if (base === 'unknown') return true;
  const found = lookupKey(base.ctx, base.service, 'security_opt');
  if (found === 'unknown') return true;
  if (!found) return false;
  const { last, unknown } = noNewPrivilegesOf(found.ctx, found.service, found.entry.value);
  if (last) return last.value === null || parseGoBool(last.value) !== false;
  return unknown || baseSetsNoNewPrivileges(found.ctx, found.service, depth + 1);
}

/** The last no-new-privileges entry of a `security_opt` list (Docker reads the last), and whether the list has entries that cannot be read. */
function noNewPrivilegesOf(ctx: ComposeContext, service: Service, list: Node | null) {
  const { items, unknown, malformed } = securityOpts(ctx, service.doc, list);
  const nnp = items.filter((i) => i.name === 'no-new-privileges');
  return { last: nnp[nnp.length - 1], unknown, malformed: malformed.length > 0 };
}

export default defineRule<'compose', Data>({
  code: 'DC016',
  name: 'no-new-privileges-missing',
  kind: 'compose',
  severity: 'warning',
  fixable: 'sometimes',
  docs: {
    summary: 'A service\'s `security_opt` lacks `no-new-privileges:true`, or sets it to false.',
    what: 'Flags a service whose `security_opt:` does not contain `no-new-privileges:true` (also accepted: `no-new-privileges`, `no-new-privileges=true`, and the other spellings of true that Docker reads), or that sets it to false. `security_opt` is read from the service, from `<<` merges of anchored blocks and from the service it `extends:` (whose list `extends` keeps: Compose appends sequences, so a service that adds its own options still has the base\'s `no-new-privileges:true`). A service with no `image:`, `build:` or `extends:` (a fragment of an override file) is not judged; an entry whose value is an unresolvable `${VAR}` makes the service unknown, not a finding. An entry that is not a string — a mapping such as `- apparmor: false` or `- no-new-privileges: true` (a space after the colon) — is no no-new-privileges entry: the service is reported, and the message says that Compose refuses the file (its schema types the entries as strings), without a fix. Missing settings are reported on the service name; an explicit `no-new-privileges:false` is reported on that entry. A base file analyzed only because a default compose file\'s services extend it (`extends: {file: common-services.yml}`) is not judged for missing settings: the services that extend it are, on the merged result. With the override `docker compose up` merges by default (`compose.override.yaml` beside `compose.yaml`; Compose Specification, Merge), the service is judged as it runs: the override\'s `security_opt` entries are appended to this file\'s (Docker reads the last no-new-privileges), and `!reset`/`!override` there drops this file\'s list. The override decides when it writes a no-new-privileges entry or drops the list: `no-new-privileges:true` there clears the finding here, `no-new-privileges:false` there is reported there (fixed in place, as here), and a list it resets or replaces without one is reported there, on the `security_opt` key, without a fix; other entries there leave this file\'s list to decide. Not so for a service another extends, a file another includes or extends, or a Swarm stack: there this file is judged as written.',
    why: 'Without the flag, a process in the container can gain privileges by running a setuid/setgid binary or a binary with file capabilities (`su`, `sudo`, a planted setuid shell): the kernel\'s `no_new_privs` bit stops every such gain at `execve()`. It is one line and turns a compromise of an unprivileged process into a much smaller one. SECURITY-GUIDELINES.md §2 Container Runtime Security ("Run as Non-root User", "No Privileged Containers") — privileges the service was not started with must not be regained.',
    bad: 'services:\n  api:\n    image: ghcr.io/acme/api:2.4.0\n    user: "1000"',
    good: 'services:\n  api:\n    image: ghcr.io/acme/api:2.4.0\n    user: "1000"\n    security_opt:\n      - no-new-privileges:true',
    fix: '"Add no-new-privileges:true" appends the entry to the service\'s `security_opt:` (a new `- no-new-privileges:true` line in a block sequence, `, no-new-privileges:true` in a flow sequence), or adds `security_opt:` with that one entry at the end of the service; an explicit `no-new-privileges:false` is changed to true in place, keeping its quotes. Not offered when `security_opt` or the service comes from an anchor, an alias, a `<<` merge or `extends:` (the edit would change every service that shares the text: add it there). Not offered in a file only `docker stack deploy` runs (named `*stack*.yml`, or with an external secret or config; an overlay network or Swarm-only `deploy:` settings alone do not make one, since Compose runs such a file too): `docker stack deploy` ignores `security_opt` and says so ("Ignoring unsupported options: security_opt"), so the message says to set `"no-new-privileges": true` in each node\'s `daemon.json` instead, which applies to every container of the node. Not applied by fix-all: a program that needs `sudo`/`su`, a setuid helper or file capabilities at run time stops working (compose-lint lists netdata plugins and some game-server images) — start the container and check its logs. No fix for a `security_opt` the default override resets or replaces: the override may relax it on purpose (a development setup), and what it should keep is its author\'s call.',
    guideline: '§2 Container Runtime Security — "Run as Non-root User", "No Privileged Containers"',
    equivalents: ['CIS Docker Benchmark v1.6.0 5.26 "Ensure that the container is restricted from acquiring additional privileges" (and, for every container of a daemon, its item "Ensure containers are restricted from acquiring new privileges": `dockerd --no-new-privileges`)', 'KICS "No New Privileges Not Set" (Docker Compose query 27fcc7d6-c49b-46e0-98f1-6c082a6a2750)', 'compose-lint CL-0003 (Privilege Escalation Not Blocked)', 'Datadog IaC "dockercompose-no-new-privileges-disabled"'],
    references: [
      'https://docs.docker.com/reference/compose-file/services/#security_opt',
      'https://docs.docker.com/reference/cli/docker/container/run/#security-opt',
      'https://www.kernel.org/doc/html/latest/userspace-api/no_new_privs.html',
      'https://docs.kics.io/latest/queries/dockercompose-queries/27fcc7d6-c49b-46e0-98f1-6c082a6a2750/',
      'https://github.com/tmatens/compose-lint/blob/main/docs/rules/CL-0003.md',
      'https://github.com/moby/moby/issues/41371',
      'https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file',
      'https://github.com/wader/postfix-relay/issues/182',
    ],
  },
  check(ctx) {
    const out: { range: Range; data: Data }[] = [];
    for (const service of ctx.services) {
      // The override Compose merges by default appends its `security_opt` entries to the base's (Docker
      // reads the last no-new-privileges), or drops the base's with `!reset`/`!override`: it decides when it
      // drops them or writes a no-new-privileges entry (or one that cannot be read), and is judged there.
      const merge = defaultMerge(ctx, service);
      if (mergedServiceGone(merge)) continue;
      const touch = merge && overrideAt(merge, ['security_opt']);
      if (merge && touch) {
        const own = touch.value ? noNewPrivilegesOf(touch.value.ctx, touch.value.service, touch.value.entry.value) : undefined;
        const decides = !!touch.drops || !!own?.last || !!own?.unknown;
        if (decides && !merge.inOverride) continue;
        if (merge.inOverride && touch.drops && !own?.last) {
          if (!own?.unknown) out.push({ range: touchRange(ctx, touch, service), data: { problem: 'dropped', service, cause: dropCause(touch)! } });
          continue;
        }
      }
      const found = lookupKey(ctx, service, 'security_opt');
      if (found === 'unknown') continue;
      let malformed = false;
      if (found) {
        const { last, unknown, malformed: notStrings } = noNewPrivilegesOf(found.ctx, found.service, found.entry.value);
        malformed = notStrings;
        if (last) {
          const on = last.value === null ? true : parseGoBool(last.value);
          if (on === true || on === undefined) continue; // set, or a value Docker would reject: not this rule's finding
          const ownSeq = isOwnEditable(ctx, found) && !ctx.isShared(found.entry.value);
          const editable = ownSeq && last.node === last.scalar && !ctx.isShared(last.scalar);
          // The item as written (an alias item included) in the service's own list; else the key or `<<` it comes through.
          const range = ownSeq ? ctx.rangeOf(last.node) : ctx.rangeOf(reportNodeOf(found, service));
          out.push({ range, data: { problem: 'disabled', service, scalar: editable ? last.scalar : null } });
          continue;
        }
        if (unknown) continue;
        if (baseSetsNoNewPrivileges(found.ctx, found.service)) continue;
      }
      if (isPartialService(ctx, service)) continue;
      let seq: YAMLSeq | null | undefined;
      if (!found) seq = canAddToService(ctx, service) ? null : undefined;
      // A non-string entry leaves the file refused whatever is appended: which string was meant is the user's call.
      else if (malformed) seq = undefined;
      else if (isOwnEditable(ctx, found) && found.entry.value && isSeq(found.entry.value) && !ctx.isShared(found.entry.value)) seq = found.entry.value;
      // `docker stack deploy` ignores security_opt ("Ignoring unsupported options: security_opt"; moby/moby#41371): review 17, probe dc-04.
      if (isSwarmOnlyFile(ctx)) out.push({ range: ctx.rangeOf(service.nameNode), data: { problem: 'missing', service, seq: undefined, swarm: true } });
      else out.push({ range: ctx.rangeOf(service.nameNode), data: { problem: 'missing', service, seq, ...(malformed ? { malformed: true as const } : {}) } });
    }
    return out;
  },
  message(d) {
    if (d.problem === 'dropped') return `Service '${d.service.name}' runs without no-new-privileges once merged: ${dropText(d.cause)} and sets no no-new-privileges:true, so its processes can gain privileges through setuid binaries and file capabilities.`;
    if (d.problem === 'disabled') return `Service '${d.service.name}' sets no-new-privileges to false: its processes can gain privileges through setuid binaries and file capabilities.`;
    if (d.swarm) return `Service '${d.service.name}' runs without no-new-privileges: its processes can gain privileges through setuid binaries and file capabilities. This is a Swarm stack, and docker stack deploy ignores security_opt: set "no-new-privileges": true in the daemon.json of every node.`;
    if (d.malformed) return `Service '${d.service.name}' does not set no-new-privileges:true in security_opt: its processes can gain privileges through setuid binaries and file capabilities. An entry of its security_opt is a mapping or a list, not a string, so docker compose refuses the file: write each entry as one string (- no-new-privileges:true, no space after the colon).`;
    return `Service '${d.service.name}' does not set no-new-privileges:true in security_opt: its processes can gain privileges through setuid binaries and file capabilities.`;
  },
  fix(ctx, { data }): Fix | undefined {
    // What the override drops is left to the user: the override may relax it on purpose (a development setup).
    if (data.problem === 'dropped' || !parsedCleanly(data.service)) return undefined;
    let edit: TextEdit | undefined;
    if (data.problem === 'disabled') {
      if (!data.scalar) return undefined;
      const span = scalarContentSpan(ctx.text, data.scalar);
      if (!span) return undefined;
      edit = { range: ctx.lines.rangeOf(span[0], span[1]), newText: OPTION };
      return { title: 'Set no-new-privileges:true', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
    }
    if (data.seq === undefined) return undefined;
    if (data.seq === null) edit = addToMapEdit(ctx, data.service.map, ['security_opt:', `  - ${OPTION}`], indentUnit(ctx, data.service));
    else edit = appendToSeqEdit(ctx, data.seq, OPTION);
    if (!edit) return undefined;
    return { title: 'Add no-new-privileges:true', safe: false, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});

