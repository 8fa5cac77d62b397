/**
 * Settings, read per resource (`workspace/configuration` with a scope URI) and cached per
 * document until the configuration changes — never kept in globals shared by all files — and
 * merged with the nearest `.docker-guardrails.yaml`, which wins for every key it sets.
 */
import type { Connection } from 'vscode-languageserver/node';
import { applyConfigOptions, DEFAULT_OPTIONS, SEVERITIES, type ConfigFile, type EngineConfig, type SeveritySetting } from '../../rules';
import { DEFAULT_MAX_FILE_BYTES } from '../../rules/node/files';

export interface Settings {
  enable: boolean;
  /** Per-rule severity override: `error|warning|info|hint|off`. */
  rules: Record<string, SeveritySetting>;
  maxFileSize: number;
  trustedRegistries: string[];
  productionGlobs: string[];
  resourceLimits: { memory: string; cpus: string; pids: number };
  /** Globs (relative to the workspace folder) limiting the workspace scan. */
  include: string[];
  exclude: string[];
  /** `dockerGuardrails.registry.lookups`: registry quick fixes (digests, tags). Never set by the config file. */
  registryLookups: boolean;
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
};

function stringList(v: unknown, fallback: string[]): string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : fallback;
}

/** Validates what the client sent; anything malformed falls back to the default for that key. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [code, value] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof value === 'string' && (value === 'off' || (SEVERITIES as readonly string[]).includes(value))) rules[code.toUpperCase()] = value as SeveritySetting;
    }
  }
  const limits = (r.resourceLimits && typeof r.resourceLimits === 'object' ? r.resourceLimits : {}) as Record<string, unknown>;
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
    rules,
    maxFileSize: typeof r.maxFileSize === 'number' && r.maxFileSize > 0 ? r.maxFileSize : DEFAULT_SETTINGS.maxFileSize,
    trustedRegistries: stringList(r.trustedRegistries, DEFAULT_SETTINGS.trustedRegistries),
    productionGlobs: stringList(r.productionGlobs, DEFAULT_SETTINGS.productionGlobs),
    resourceLimits: {
      memory: typeof limits.memory === 'string' && limits.memory ? limits.memory : DEFAULT_SETTINGS.resourceLimits.memory,
      cpus: typeof limits.cpus === 'string' && limits.cpus ? limits.cpus : DEFAULT_SETTINGS.resourceLimits.cpus,
      pids: typeof limits.pids === 'number' && limits.pids > 0 ? limits.pids : DEFAULT_SETTINGS.resourceLimits.pids,
    },
    include: stringList(r.include, []),
    exclude: stringList(r.exclude, []),
    registryLookups: !!r.registry && typeof r.registry === 'object' && (r.registry as Record<string, unknown>).lookups === true,
  };
}

/** Settings merged with a config file: the file wins for every key it sets. */
export function mergeConfigFile(s: Settings, file: ConfigFile | undefined): Settings {
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
  };
}

export function toEngineConfig(s: Settings): EngineConfig {
  const options = applyConfigOptions(DEFAULT_OPTIONS, {
    trustedRegistries: s.trustedRegistries,
    productionGlobs: s.productionGlobs,
    resourceLimits: s.resourceLimits,
  });
  return { rules: s.rules, options };
}

export class SettingsCache {
  private cache = new Map<string, Promise<Settings>>();

  constructor(
    private readonly connection: Connection,
    private readonly supported: () => boolean,
  ) {}

  get(uri: string): Promise<Settings> {
    if (!this.supported()) return Promise.resolve(DEFAULT_SETTINGS);
    let p = this.cache.get(uri);
    if (!p) {
      p = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'dockerGuardrails' })
        .then(normalizeSettings, () => DEFAULT_SETTINGS);
      this.cache.set(uri, p);
    }
    return p;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
