/**
 * pip's configuration files as the Dockerfile writes them, for DF035 (where pip keeps its cache, or whether it keeps
 * one): what `pip config set` (and `unset`, `edit`) writes, what a RUN writes into a `pip.conf` with `echo`, `printf`
 * or a here-document (`> f`, `>> f`, `tee [-a] f`), what COPY and ADD put there (a here-document, a file of the build
 * context read there), replayed in build order up to an install, and read as pip reads them.
 *
 * pip's Configuration docs (https://pip.pypa.io/en/stable/topics/configuration/) and its loader
 * (src/pip/_internal/configuration.py, cli/parser.py, commands/configuration.py):
 * - files, on Linux, each later one overriding the earlier ones key by key: global — `pip.conf` in a `pip` folder of
 *   each of XDG_CONFIG_DIRS (default /etc/xdg), then /etc/pip.conf; user — the legacy `$HOME/.pip/pip.conf`, then
 *   `$XDG_CONFIG_HOME/pip/pip.conf` (default `$HOME/.config`), not read under `--isolated` nor when PIP_CONFIG_FILE
 *   names a file that exists; base and site — `sys.base_prefix/pip.conf` and `sys.prefix/pip.conf` ($VIRTUAL_ENV in a
 *   virtual environment, /usr/local in the official python image: not known here); PIP_CONFIG_FILE — last in pip's
 *   OVERRIDE_ORDER since pip 10, first in the docs of some versions, so both orders are tried; PIP_CONFIG_FILE set
 *   to os.devnull (/dev/null) loads no file at all;
 * - INI as Python's RawConfigParser reads it: `[section]` headers, `key = value` or `key: value`, `#`/`;` comment
 *   lines, indented continuation lines, keys in any case, `[DEFAULT]` keys given to every section there is; pip reads
 *   `_` in a name as `-`, skips empty values, and an install reads `[global]`, then `[install]` over it, then the
 *   PIP_ environment variables over both (cli/parser.py, _get_ordered_configuration_items);
 * - `no-cache-dir` is a callback option evaluated last (`late_eval`): any boolean value, `true` or `false`, in a
 *   section an install reads disables the cache whatever `cache-dir` says (cmdoptions.py, _handle_no_cache_dir);
 *   `cache-dir` is a path option, `~` expanded, environment variables not;
 * - `pip config set NAME VALUE` writes the user file (`$XDG_CONFIG_HOME/pip/pip.conf`) by default (or the site file
 *   when one exists), /etc/pip.conf with `--global`, the site file with `--site`.
 *
 * Only the two settings DF035 needs are judged (`cache-dir`, `no-cache-dir`); a file whose content cannot be known
 * here (a COPY of a file not found in the build context, `--from` another stage or image, `pip config edit`, `cp`, `sed
 * -i`, a path or value with a variable) makes the answer unknown.
 *
 * The line reader below is a small one of our own: no dependency of the project reads INI (`credential-files.ts`
 * reads these files for credentials line by line, without sections, which this answer needs).
 */
import * as path from 'node:path';
import type { DockerfileContext, Stage } from './dockerfile';
import { packageCommandsInStrings, type PackageCommand } from './packages';
import { collectFileWrites, treeText, writesBefore, type FileChange, type FileWrite } from './file-writes';
import { stageChain } from './stage-scope';

/** The environment a pip command runs in, as DF035 reads it. */
export interface PipEnv {
  /** A variable as the command sees it (`$HOME`/`~` expanded): undefined when not set, null when its value is not known. */
  variable(name: string): string | null | undefined;
  /** The home of the user pip runs as, or null when not known. */
  home(): string | null;
}

/** What pip's configuration files say of its cache for an install: disabled, a folder, not known, or nothing. */
export type PipConfigCache = { disabled: true } | { dir: string } | { unknown: true } | undefined;

/** The site file of the Python that runs pip (`pip config --site set`), whose path is not known: a name that is no path. */
const SITE = ':site:';

/** A change to a file pip may read: one file-writes.ts reads, or `pip config set|unset`. */
type Change = FileChange | { kind: 'set'; key: string; value: string | null } | { kind: 'unset'; key: string };

type ConfigWrite = FileWrite<Change>;

/** `global.cache-dir`: a `section.name` key as pip normalizes it (name in lower case, `_` read as `-`). */
function normalizedKey(section: string, name: string): string {
  return `${section}.${name.toLowerCase().replace(/_/g, '-')}`;
}

/** A configuration file as RawConfigParser has read it so far: its keys (`section.name`), its sections, the current one. */
interface IniState {
  values: Map<string, string | null>;
  sections: Set<string>;
  section: string | null;
  /** The key the last option line set: an indented line after it continues its value. */
  last: string | null;
}

const newState = (): IniState => ({ values: new Map(), sections: new Set(), section: null, last: null });
const copyState = (s: IniState): IniState => ({ values: new Map(s.values), sections: new Set(s.sections), section: s.section, last: s.last });

/** Reads `text` into `state` as RawConfigParser reads a file (appended text goes on from where the file ended). */
function readIni(state: IniState, text: string): void {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#') || line.startsWith(';')) continue;
    if (/^\s/.test(raw) && state.last !== null) {
      // A continuation line: the value goes on over several lines (no path pip could use).
      const v = state.values.get(state.last);
      state.values.set(state.last, v === null || v === undefined ? null : `${v}\n${line}`);
      continue;
    }
    const header = /^\[(.+)\]/.exec(line);
    if (header) {
      state.section = header[1];
      state.sections.add(header[1]);
      state.last = null;
      continue;
    }
    const at = line.search(/[=:]/);
    // A key before any section, or a line with neither `=` nor `:`: RawConfigParser rejects the file (pip stops).
    if (state.section === null || at <= 0) {
      state.last = null;
      continue;
    }
    const key = normalizedKey(state.section, line.slice(0, at).trim());
    state.values.set(key, line.slice(at + 1).trim());
    state.last = key;
  }
}

/** A setting of an install's sections in one file: its own, else `[DEFAULT]`'s when the section is there. */
function settingOf(state: IniState, section: string, name: string): string | null | undefined {
  const own = state.values.get(`${section}.${name}`);
  if (own !== undefined) return own;
  return state.sections.has(section) ? state.values.get(`DEFAULT.${name}`) : undefined;
}

/** pip reads `no-cache-dir` with strtobool: any of these values, true or false, disables the cache (see the module comment). */
const STRTOBOOL = /^(?:y|yes|t|true|on|1|n|no|f|false|off|0)$/i;

const CACHE_NAMES = ['cache-dir', 'no-cache-dir'];
const INSTALL_SECTIONS = ['global', 'install'];

/** Whether a file sets anything of pip's cache for an install. */
function touchesCache(state: IniState): boolean {
  return INSTALL_SECTIONS.some((s) => CACHE_NAMES.some((n) => settingOf(state, s, n) !== undefined));
}

/**
 * Every change the Dockerfile makes to the files `wanted` accepts (file-writes.ts) and, unless `envOf` is null, to the
 * files `pip config` writes, by stage, in document order.
 */
function collectWrites(ctx: DockerfileContext, wanted: (p: string) => boolean, needle: string, envOf: ((pc: PackageCommand) => PipEnv) | null): Map<Stage, ConfigWrite[]> {
  const out = new Map<Stage, ConfigWrite[]>(collectFileWrites(ctx, wanted, needle));
  const add = (stage: Stage, offset: number, p: string | null, change: Change) => {
    let list = out.get(stage);
    if (!list) out.set(stage, (list = []));
    list.push({ stage, offset, path: p, change });
  };
  // (Only in the reading of `pip.conf` files: `envOf` null for the file PIP_CONFIG_FILE names, which pip config never writes.)
  for (const pc of envOf ? packageCommandsInStrings(ctx) : []) {
    if (!envOf) break;
    if (pc.family !== 'pip' || pc.action !== 'config' || !pc.run.stage || pc.run.onbuild) continue;
    const ops = pc.operands.map((w) => w.value);
    const sub = ops[0];
    if (sub !== 'set' && sub !== 'unset' && sub !== 'edit') continue;
    const scope = pc.options.find((o) => o.long && (o.name === 'global' || o.name === 'user' || o.name === 'site' || o.name === 'venv'))?.name;
    let file: string | null;
    if (scope === 'global') file = '/etc/pip.conf';
    else if (scope === 'site' || scope === 'venv') file = SITE;
    else file = userConfigFile(envOf(pc));
    const offset = pc.command.start;
    if (sub === 'edit') {
      add(pc.run.stage, offset, file, { kind: 'text', text: null, append: false });
      continue;
    }
    // pip lower-cases the whole `section.name` (configuration.py, _normalize_name).
    const written = (ops[1] ?? '').toLowerCase();
    const dot = written.indexOf('.');
    if (dot <= 0) continue;
    const key = normalizedKey(written.slice(0, dot), written.slice(dot + 1));
    if (sub === 'unset') add(pc.run.stage, offset, file, { kind: 'unset', key });
    else if (ops.length >= 3) add(pc.run.stage, offset, file, { kind: 'set', key, value: /[$`]/.test(ops[2]) ? null : ops[2] });
  }
  for (const list of out.values()) list.sort((a, b) => a.offset - b.offset);
  return out;
}

/** The user file `pip config set` writes: `$XDG_CONFIG_HOME/pip/pip.conf`, else `$HOME/.config/pip/pip.conf`; null when not known. */
function userConfigFile(env: PipEnv): string | null {
  const xdg = env.variable('XDG_CONFIG_HOME');
  if (xdg === null) return null;
  if (xdg !== undefined && xdg !== '') return xdg.startsWith('/') ? `${xdg.replace(/\/+$/, '')}/pip/pip.conf` : null;
  const home = env.home();
  return home === null ? null : `${home === '/' ? '' : home}/.config/pip/pip.conf`;
}

const PIP_CONF_WRITES = Symbol('pipConfWrites');
const NAMED_CONFIG_WRITES = Symbol('pipNamedConfigWrites');

const isPipConf = (p: string) => path.posix.basename(p) === 'pip.conf';

/**
 * What pip's configuration files say of its cache for an install `pc` running in `env` (`envOf` gives the environment of
 * another pip command, a `pip config set`): `{ disabled }` when a file it reads sets `no-cache-dir`, `{ dir }` when one
 * sets `cache-dir`, `{ unknown }` when a file it may read cannot be read here or may set either, undefined when no file
 * sets anything of the cache (or PIP_CONFIG_FILE is /dev/null).
 */
export function pipConfigCache(ctx: DockerfileContext, pc: PackageCommand, env: PipEnv, envOf: (pc: PackageCommand) => PipEnv): PipConfigCache {
  const stage = pc.run.stage;
  if (!stage) return undefined;
  const configFile = env.variable('PIP_CONFIG_FILE');
  if (configFile === '/dev/null' || configFile === 'os.devnull') return undefined;
  if (configFile === null) return { unknown: true };
  const named = configFile !== undefined && configFile !== '' ? path.posix.normalize(configFile) : undefined;
  if (named !== undefined && !named.startsWith('/')) return { unknown: true };
  const writes = [ctx.fact(PIP_CONF_WRITES, (c) => collectWrites(c, isPipConf, 'pip.conf', envOf))];
  if (named !== undefined && !isPipConf(named)) {
    const perName = ctx.fact(NAMED_CONFIG_WRITES, () => new Map<string, Map<Stage, ConfigWrite[]>>());
    let w = perName.get(named);
    if (!w) perName.set(named, (w = collectWrites(ctx, (p) => p === named, path.posix.basename(named), null)));
    writes.push(w);
  }
  // The changes made before the install: those of the stages it builds on, then those of its stage before it.
  const before = writes.flatMap((w) => writesBefore(w, stage, pc.command.start));
  // In build order across both readings: by stage (the chain, oldest first), then offset.
  if (writes.length > 1) {
    const order = stageChain(stage).reverse();
    before.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage) || a.offset - b.offset);
  }
  if (named === undefined && before.length === 0) return undefined;
  const replay = (file: string): IniState | null | undefined => {
    let state: IniState | null | undefined;
    for (const e of before) {
      let c = e.change;
      if (c.kind === 'tree') {
        // A folder copied whole over the file's folder: the file it holds, if any.
        if (e.path === null || !file.startsWith(e.path)) continue;
        const text = treeText(ctx, c, file.slice(e.path.length));
        if (text === undefined) continue;
        c = { kind: 'text', text, append: false };
      } else if (e.path !== file) continue;
      if (c.kind === 'remove') state = undefined;
      else if (c.kind === 'text') {
        if (c.text === null || (c.append && state === null)) state = null;
        else {
          const next = c.append && state ? copyState(state) : newState();
          readIni(next, c.text);
          state = next;
        }
      } else if (state !== null) {
        const next = state ? copyState(state) : newState();
        if (c.kind === 'set') {
          next.values.set(c.key, c.value);
          next.sections.add(c.key.slice(0, c.key.indexOf('.')));
        } else next.values.delete(c.key);
        state = next;
      }
    }
    return state;
  };
  let namedState: IniState | null | undefined;
  if (named !== undefined) {
    namedState = replay(named);
    // A file the Dockerfile does not write may be in the base image, or in a folder copied whole: not known.
    if (namedState === undefined) return { unknown: true };
  }
  // Global files.
  const dirs = env.variable('XDG_CONFIG_DIRS');
  if (dirs === null) return { unknown: true };
  const globals = (dirs === undefined || dirs.trim() === '' ? ['/etc/xdg'] : dirs.split(':').filter((d) => d !== '')).map((d) => `${d.replace(/\/+$/, '')}/pip/pip.conf`);
  globals.push('/etc/pip.conf');
  // User files: not read under --isolated, nor when PIP_CONFIG_FILE names a file that exists.
  const isolated = pc.options.some((o) => o.long && o.name === 'isolated');
  const users: string[] = [];
  let usersKnown = true;
  if (!isolated && named === undefined) {
    const home = env.home();
    const current = userConfigFile(env);
    if (home !== null) users.push(`${home === '/' ? '' : home}/.pip/pip.conf`);
    else usersKnown = false;
    if (current !== null) users.push(current);
    else usersKnown = false;
  }
  const read = [...globals, ...users, SITE];
  // Files pip may read: a site or base file (`<prefix>/pip.conf`), a user file when the user's is not known, any file whose path is not known.
  const maybe = new Set<string | null>();
  for (const e of before) {
    // (A folder copied whole is read for the files pip surely reads, not for others it may.)
    if (e.change.kind === 'tree') continue;
    if (e.path === null) maybe.add(null);
    else if (!read.includes(e.path) && e.path !== named) {
      const dir = path.posix.dirname(e.path);
      const userLike = /(?:^|\/)(?:\.pip|pip)$/.test(dir);
      if (!userLike || (!usersKnown && !isolated && named === undefined && !globals.includes(e.path))) maybe.add(e.path);
    }
  }
  const answer = (order: readonly string[]): PipConfigCache => {
    const merged = new Map<string, string | null>();
    let unreadable = false;
    for (const file of order) {
      const st = file === named ? namedState : replay(file);
      if (st === undefined) continue;
      if (st === null) {
        unreadable = true;
        continue;
      }
      for (const section of INSTALL_SECTIONS) {
        for (const name of CACHE_NAMES) {
          const v = settingOf(st, section, name);
          if (v !== undefined) merged.set(`${section}.${name}`, v);
        }
      }
    }
    // Empty values are skipped; any boolean `no-cache-dir` disables the cache.
    const noCache = INSTALL_SECTIONS.map((s) => merged.get(`${s}.no-cache-dir`));
    if (noCache.some((v) => v !== null && v !== undefined && STRTOBOOL.test(v))) return { disabled: true };
    if (unreadable || noCache.some((v) => v === null)) return { unknown: true };
    const dir = [merged.get('install.cache-dir'), merged.get('global.cache-dir')].find((v) => v !== '' && v !== undefined);
    if (dir === undefined) return undefined;
    if (dir === null || dir.includes('\n')) return { unknown: true };
    let d = dir;
    if (/^~(?:\/|$)/.test(d)) {
      const home = env.home();
      if (home === null) return { unknown: true };
      d = home + d.slice(1);
    }
    if (!d.startsWith('/')) return { unknown: true };
    return { dir: path.posix.normalize(d).replace(/(.)\/+$/, '$1') };
  };
  const last = answer(named !== undefined ? [...read, named] : read);
  // pip 10 and later read PIP_CONFIG_FILE last, the docs of some versions say first: an answer that depends on it is not known.
  if (named !== undefined && JSON.stringify(answer([named, ...read])) !== JSON.stringify(last)) return { unknown: true };
  if (last && 'disabled' in last) return last;
  for (const file of maybe) {
    const st = file === null ? null : replay(file);
    if (st === null || (st && touchesCache(st))) return { unknown: true };
  }
  return last;
}
