/**
 * Settings, read per resource (`workspace/configuration` with a scope URI) and cached per
 * document until the configuration changes — never kept in globals shared by all files — and
 * merged with the nearest `.docker-guardrails.yaml`, which wins for every key it sets.
 */
import type { Connection } from 'vscode-languageserver/node';
import { allRules, applyConfigOptions, DEFAULT_OPTIONS, globProblem, isCpuLimit, isIsoDate, isMemoryLimit, isPidsLimit, keyLike, severityCodes, SEVERITIES, type ConfigFile, type EngineConfig, type SeveritySetting } from '../../rules';
import { DEFAULT_MAX_FILE_BYTES } from '../../rules/node/files';
import { MIN_MAX_FILE_SIZE } from '../../rules/engine/config';

export interface Settings {
  enable: boolean;
  /** Per-rule severity override: `error|warning|info|hint|off`. */
  rules: Record<string, SeveritySetting>;
  maxFileSize: number;
  trustedRegistries: string[];
  productionGlobs: string[];
  resourceLimits: { memory: string; cpus: string; pids: number };
  /** Globs limiting the workspace scan, read as a .dockerignore (inGlobScope): relative to the workspace folder, or to `includeBase`/`excludeBase`. */
  include: string[];
  exclude: string[];
  /** The folder of the config file that set `include` (its globs are relative to it: review 45d, item 3); unset: the workspace folder. */
  includeBase?: string;
  /** The same for `exclude`. */
  excludeBase?: string;
  /** The folder `productionGlobs` with a `/` are matched from: the config file's that set them, else the workspace folder (review 45d, item 6). */
  productionGlobsBase?: string;
  /** `dockerGuardrails.registry.lookups`: registry quick fixes (digests, tags). Never set by the config file. */
  registryLookups: boolean;
  /** `dockerGuardrails.eol.date`: the analysis date (YYYY-MM-DD), or null (empty) for today's UTC date. Never set by the config file. */
  eolDate: string | null;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  rules: {},
  maxFileSize: DEFAULT_MAX_FILE_BYTES,
  trustedRegistries: DEFAULT_OPTIONS.trustedRegistries,
  productionGlobs: DEFAULT_OPTIONS.productionGlobs,
  resourceLimits: { memory: DEFAULT_OPTIONS.defaultMemoryLimit, cpus: DEFAULT_OPTIONS.defaultCpuLimit, pids: DEFAULT_OPTIONS.defaultPidsLimit },
  include: [],
  exclude: [],
  registryLookups: false,
  eolDate: null,
};

function stringList(v: unknown, fallback: string[]): string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fallback;
}

/** The codes `dockerGuardrails.rules` accepts (package.json's schema lists the same: renderPackageJson). */
const RULE_SETTING_CODES: ReadonlySet<string> = new Set(severityCodes(allRules));

/**
 * Validates what the client sent; anything malformed falls back to the default for that key. The resource
 * limits are checked as the config file's are (isMemoryLimit…: VS Code only warns about a value its schema
 * refuses, and a fix must not write `memory: lots`); `warn` hears about each one refused, without its value.
 * So do the entries of `rules` that are not applied (review 42c, item 6: an unknown code, or a severity that is
 * not one of error, warning, info, hint, off, was dropped silently, where the config file reports DG002): the
 * entry's code is named when it reads as one, its value never.
 */
export function normalizeSettings(raw: unknown, warn: (message: string) => void = () => {}): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (r.rules && typeof r.rules === 'object' && !Array.isArray(r.rules)) {
    for (const [key, value] of Object.entries(r.rules as Record<string, unknown>)) {
      const code = key.toUpperCase();
      if (!RULE_SETTING_CODES.has(code)) {
        warn(
          keyLike(key)
            ? `dockerGuardrails.rules.${key} is ignored: ${allRules.some((rule) => rule.code === code) ? `the severity of ${code} is not set by the rules setting` : 'no Docker Guardrails rule has this code'}.`
            : 'dockerGuardrails.rules has a key that is not a rule code (its text is not shown): ignored.',
        );
        continue;
      }
      if (typeof value === 'string' && (value === 'off' || (SEVERITIES as readonly string[]).includes(value))) rules[code] = value as SeveritySetting;
      else warn(`dockerGuardrails.rules.${key} is ignored: the severity must be one of error, warning, info, hint, off; ${code} keeps its severity.`);
    }
  } else if (r.rules !== undefined && r.rules !== null) warn('dockerGuardrails.rules is ignored: it must map rule codes to a severity, e.g. { "DF010": "off" }.');
  const limits = (r.resourceLimits && typeof r.resourceLimits === 'object' ? r.resourceLimits : {}) as Record<string, unknown>;
  const limit = <T>(key: 'memory' | 'cpus' | 'pids', valid: (v: unknown) => v is T, fallback: T, shape: string): T => {
    if (limits[key] === undefined) return fallback;
    if (valid(limits[key])) return limits[key];
    warn(`dockerGuardrails.resourceLimits.${key} is not valid (${shape}): the fixes use ${String(fallback)}.`);
    return fallback;
  };
  // `dockerGuardrails.eol.date`: empty is today; a value that is not a date of the calendar is refused, not read as some other day.
  const eol = (r.eol && typeof r.eol === 'object' ? r.eol : {}) as Record<string, unknown>;
  let eolDate: string | null = null;
  if (typeof eol.date === 'string' && isIsoDate(eol.date)) eolDate = eol.date;
  else if (eol.date !== undefined && eol.date !== null && eol.date !== '') warn('dockerGuardrails.eol.date is ignored: it must be a date written YYYY-MM-DD, such as 2027-01-31, or empty for today; end of life is judged on today\'s date (UTC).');
  // The globs are read as the config file's are (globProblem): one that minimatch reads otherwise than meant is applied as read, and said so.
  const globs = (key: 'productionGlobs' | 'include' | 'exclude', fallback: string[]): string[] => {
    const list = stringList(r[key], fallback);
    if (list !== fallback) list.forEach((g, i) => {
      const problem = globProblem(g, key !== 'productionGlobs');
      if (problem) warn(`dockerGuardrails.${key}[${i}] ${problem}`);
    });
    return list;
  };
  // The same bounds as the config file's `maxFileSize` (MIN_MAX_FILE_SIZE; review 46b, finding 9).
  const maxFileSize = (): number => {
    if (typeof r.maxFileSize === 'number' && r.maxFileSize >= MIN_MAX_FILE_SIZE) return r.maxFileSize;
    if (r.maxFileSize !== undefined && r.maxFileSize !== null) warn(`dockerGuardrails.maxFileSize is ignored: it must be a number of bytes, at least ${MIN_MAX_FILE_SIZE}; the default (${DEFAULT_SETTINGS.maxFileSize}) applies.`);
    return DEFAULT_SETTINGS.maxFileSize;
  };
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
    rules,
    maxFileSize: maxFileSize(),
    trustedRegistries: stringList(r.trustedRegistries, DEFAULT_SETTINGS.trustedRegistries),
    productionGlobs: globs('productionGlobs', DEFAULT_SETTINGS.productionGlobs),
    resourceLimits: {
      memory: limit('memory', (v): v is string => typeof v === 'string' && isMemoryLimit(v), DEFAULT_SETTINGS.resourceLimits.memory, 'a size such as "512m"'),
      cpus: limit('cpus', (v): v is string => typeof v === 'string' && isCpuLimit(v), DEFAULT_SETTINGS.resourceLimits.cpus, 'a number of CPUs such as "0.5"'),
      pids: limit('pids', isPidsLimit, DEFAULT_SETTINGS.resourceLimits.pids, 'a positive whole number'),
    },
    include: globs('include', []),
    exclude: globs('exclude', []),
    registryLookups: !!r.registry && typeof r.registry === 'object' && (r.registry as Record<string, unknown>).lookups === true,
    eolDate,
  };
}

/**
 * Settings merged with a config file: the file wins for every key it sets. Its globs are relative to `base`, its
 * folder (the settings' to the workspace folder), as the CLI reads them (review 45d, item 3).
 */
export function mergeConfigFile(s: Settings, file: ConfigFile | undefined, base?: string): Settings {
  if (!file) return s;
  return {
    ...s,
    rules: { ...s.rules, ...(file.rules ?? {}) },
    maxFileSize: file.maxFileSize ?? s.maxFileSize,
    trustedRegistries: file.trustedRegistries ?? s.trustedRegistries,
    productionGlobs: file.productionGlobs ?? s.productionGlobs,
    resourceLimits: { ...s.resourceLimits, ...(file.resourceLimits ?? {}) },
    include: file.include ?? s.include,
    exclude: file.exclude ?? s.exclude,
    ...(file.include && base !== undefined ? { includeBase: base } : s.includeBase !== undefined ? { includeBase: s.includeBase } : {}),
    ...(file.exclude && base !== undefined ? { excludeBase: base } : s.excludeBase !== undefined ? { excludeBase: s.excludeBase } : {}),
    ...(file.productionGlobs && base !== undefined ? { productionGlobsBase: base } : s.productionGlobsBase !== undefined ? { productionGlobsBase: s.productionGlobsBase } : {}),
  };
}

export function toEngineConfig(s: Settings): EngineConfig {
  const options = applyConfigOptions(DEFAULT_OPTIONS, {
    trustedRegistries: s.trustedRegistries,
    productionGlobs: s.productionGlobs,
    resourceLimits: s.resourceLimits,
  });
  return { rules: s.rules, options: { ...options, ...(s.productionGlobsBase === undefined ? {} : { productionGlobsBase: s.productionGlobsBase }), eolDate: s.eolDate } };
}

/**
 * The settings of each resource. From a client that answers `workspace/configuration` (VS Code), asked per
 * resource; from one that does not, the `dockerGuardrails` section it pushes with `workspace/didChangeConfiguration`
 * (the LSP's older way, used by some editors' clients), the same for every file; else the defaults.
 */
/**
 * How long an analysis waits for the client's answer to `workspace/configuration` before it goes on with the resource's
 * last known settings (else the pushed ones or the defaults): a client that never answers must not stall the analysis,
 * and with it every hover and code action waiting for it, for ever (review 46a, item 1). A late answer still applies
 * (`onLate`).
 */
export const SETTINGS_TIMEOUT_MS = 3000;

export class SettingsCache {
  private cache = new Map<string, Promise<Settings>>();
  private pushed: Settings | undefined;
  /** Each resource's settings as the client last answered them: what an unanswered request falls back to. */
  private lastKnown = new Map<string, Settings>();
  /** What was logged since the settings last changed: each resource is asked for, a problem is told once. */
  private warned = new Set<string>();
  private readonly warn: (message: string) => void;

  /**
   * `onLate`: called when the client answers a request after it timed out with settings other than those the
   * resource was analyzed with meanwhile (they are cached then): the resource is to be analyzed again.
   */
  constructor(
    private readonly connection: Connection,
    private readonly supported: () => boolean,
    log: (message: string) => void = () => {},
    private readonly onLate: (uri: string) => void = () => {},
    private readonly timeoutMs: number = SETTINGS_TIMEOUT_MS,
  ) {
    this.warn = (message) => {
      if (this.warned.has(message)) return;
      this.warned.add(message);
      log(message);
    };
  }

  get(uri: string): Promise<Settings> {
    if (!this.supported()) return Promise.resolve(this.pushed ?? DEFAULT_SETTINGS);
    let p = this.cache.get(uri);
    if (!p) {
      const asked: Promise<Settings> = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'dockerGuardrails' })
        .then((raw) => normalizeSettings(raw, this.warn), () => DEFAULT_SETTINGS);
      let timedOut: Settings | undefined;
      let timer: NodeJS.Timeout | undefined;
      const fallback = new Promise<Settings>((resolve) => {
        timer = setTimeout(() => {
          timedOut = this.lastKnown.get(uri) ?? this.pushed ?? DEFAULT_SETTINGS;
          this.warn(`the client did not answer workspace/configuration within ${this.timeoutMs / 1000} s: analyzing with the last known settings (else the defaults) until it does`);
          resolve(timedOut);
        }, this.timeoutMs);
        timer.unref?.();
      });
      const settled = Promise.race([asked, fallback]);
      p = settled;
      this.cache.set(uri, p);
      void asked.then((answer) => {
        clearTimeout(timer);
        // Asked again meanwhile (the settings changed): that request's answer is the one that counts.
        if (this.cache.get(uri) !== settled) return;
        this.lastKnown.set(uri, answer);
        if (timedOut === undefined) return;
        this.cache.set(uri, Promise.resolve(answer));
        if (JSON.stringify(answer) !== JSON.stringify(timedOut)) this.onLate(uri);
      });
    }
    return p;
  }

  /** The settings a `workspace/didChangeConfiguration` carries (its `settings.dockerGuardrails`), for a client that cannot be asked. */
  push(params: { settings?: unknown } | undefined): void {
    if (this.supported()) return;
    const all = params?.settings;
    const section = all && typeof all === 'object' ? (all as Record<string, unknown>).dockerGuardrails : undefined;
    this.pushed = section === undefined || section === null ? undefined : normalizeSettings(section, this.warn);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** Forgets the settings of the resources `which` holds (those below a workspace folder added or removed). */
  forgetWhere(which: (uri: string) => boolean): void {
    for (const uri of [...this.cache.keys()]) if (which(uri)) this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
    this.warned.clear();
  }
}
