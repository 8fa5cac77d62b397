/**
 * Strong secrets for fixes that replace a weak or default password (DC041). Values come from
 * node:crypto's CSPRNG, drawn without modulo bias, from letters and digits only: such a value needs no
 * quoting in `.env`, in a URL (`postgres://user:<password>@db`) or in a shell, and 32 characters of a
 * 62-letter alphabet carry about 190 bits.
 * Tests make generation deterministic with `setSecretGeneratorForTests`.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const DEFAULT_SECRET_LENGTH = 32;

type Generator = (hint: string, length: number) => string;

let override: Generator | undefined;

/** A fresh random password (letters and digits). `hint` names what it is for (used only by test generators). */
export function generateSecret(hint = 'secret', length = DEFAULT_SECRET_LENGTH): string {
  if (override) return override(hint, length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  // At least one letter of each case and a digit, for password policies that ask for them.
  if (!/[a-z]/.test(out) || !/[A-Z]/.test(out) || !/[0-9]/.test(out)) return generateSecret(hint, length);
  return out;
}

/** Replaces the generator (tests only); `undefined` restores the random one. */
export function setSecretGeneratorForTests(generator: Generator | undefined): void {
  override = generator;
}
