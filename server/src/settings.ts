/**
 * Settings, read per resource (`workspace/configuration` with a scope URI) and cached per
 * document until the configuration changes — never kept in globals shared by all files.
 */
import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_CONFIG, SEVERITIES, type EngineConfig, type SeveritySetting } from '../../rules';
import { DEFAULT_MAX_FILE_BYTES } from '../../rules/node/files';

export interface Settings {
  enable: boolean;
  /** Per-rule severity override: `error|warning|info|hint|off`. */
  rules: Record<string, SeveritySetting>;
  maxFileSize: number;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, rules: {}, maxFileSize: DEFAULT_MAX_FILE_BYTES };

/** Validates what the client sent; anything malformed falls back to the default for that key. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules: Record<string, SeveritySetting> = {};
  if (r.rules && typeof r.rules === 'object') {
    for (const [code, value] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof value === 'string' && (value === 'off' || (SEVERITIES as readonly string[]).includes(value))) rules[code.toUpperCase()] = value as SeveritySetting;
    }
  }
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : DEFAULT_SETTINGS.enable,
    rules,
    maxFileSize: typeof r.maxFileSize === 'number' && r.maxFileSize > 0 ? r.maxFileSize : DEFAULT_SETTINGS.maxFileSize,
  };
}

export function toEngineConfig(s: Settings): EngineConfig {
  return { rules: s.rules, options: DEFAULT_CONFIG.options };
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
