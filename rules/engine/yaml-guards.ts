/**
 * The `yaml` library's node guards (`isScalar`, `isMap`, …), bound once.
 *
 * `yaml` ships CommonJS for Node. esbuild wraps an imported CommonJS module in an object whose
 * exports are getters (to keep ES live bindings), so every `isScalar(node)` written against
 * `import { isScalar } from 'yaml'` calls a getter first. The rules call these guards for nearly
 * every node they look at: the getters were 2–3% of compose analysis in a CPU profile. Constants
 * bound here are read through the getter once, when the bundle loads. Same functions, same types.
 */
import * as yaml from 'yaml';

export const isAlias: typeof yaml.isAlias = yaml.isAlias;
export const isCollection: typeof yaml.isCollection = yaml.isCollection;
export const isMap: typeof yaml.isMap = yaml.isMap;
export const isNode: typeof yaml.isNode = yaml.isNode;
export const isPair: typeof yaml.isPair = yaml.isPair;
export const isScalar: typeof yaml.isScalar = yaml.isScalar;
export const isSeq: typeof yaml.isSeq = yaml.isSeq;
