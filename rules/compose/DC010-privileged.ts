import type { Pair, YAMLMap } from 'yaml';
import { isTrue } from '../engine/compose';
import { defineRule } from '../engine/rule';
import { deletePairEdit } from '../engine/yaml-edit';

interface Data {
  service: string;
  /** The entry as written in the service (null when it is inherited through an anchor/merge: no fix). */
  map: YAMLMap | null;
  pair: Pair | null;
}

export default defineRule<'compose', Data>({
  code: 'DC010',
  name: 'privileged',
  kind: 'compose',
  severity: 'error',
  fixable: 'sometimes',
  docs: {
    what: 'Flags a service with `privileged: true`, also when the setting comes through a `<<` merge of an anchored block (the finding is then reported on the merge key).',
    why: 'A privileged container gets every Linux capability, all host devices and no seccomp/AppArmor confinement: root in it is root on the host, and escaping is trivial. SECURITY-GUIDELINES.md §2: "No Privileged Containers – never use `--privileged`". Grant the one capability the service needs with `cap_add` instead.',
    bad: 'services:\n  app:\n    image: nginx:1.28-alpine\n    privileged: true',
    good: 'services:\n  app:\n    image: nginx:1.28-alpine\n    cap_drop: [ALL]',
    fix: '"Remove privileged: true" deletes the line. Not offered when the setting is inherited from an anchor (the edit would change every service that uses it: remove it at the anchor) or written in a flow mapping. If the service really needs a device or capability, add that one explicitly afterwards.',
    guideline: '§2 Container Runtime Security — "No Privileged Containers"',
    equivalents: ['KICS "Privileged Containers Enabled" (Docker Compose query)', 'compose-lint CL-0002'],
    references: ['https://docs.docker.com/reference/compose-file/services/#privileged', 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities'],
  },
  check(ctx) {
    const out = [];
    for (const service of ctx.services) {
      const entry = ctx.serviceGet(service, 'privileged');
      if (!entry || !isTrue(entry.value)) continue;
      const own = entry.own && !entry.shared;
      out.push({
        range: entry.own ? ctx.rangeOfPair(entry.pair) : ctx.rangeOf(entry.reportNode),
        data: { service: service.name, map: own ? service.map : null, pair: own ? entry.pair : null },
      });
    }
    return out;
  },
  message(d) {
    return `Service '${d.service}' runs privileged: it gets every capability and all host devices, so root in the container is root on the host.`;
  },
  fix(ctx, { data }) {
    if (!data.map || !data.pair) return undefined;
    const edit = deletePairEdit(ctx, data.map, data.pair);
    if (!edit) return undefined;
    return { title: 'Remove privileged: true', safe: true, changes: [{ kind: 'edit', path: ctx.path, edits: [edit] }] };
  },
});
