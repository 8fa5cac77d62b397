/**
 * The bound on variable substitution (Dockerfile ARG/ENV, Compose interpolation and `.env` values).
 * A value whose substitution would be longer than this is unknown, the same as a variable without a
 * value: it is never built. Each substitution can double a value (`ARG A1=${A0}${A0}`, `A1=${A0}${A0}`
 * in a `.env`), so a chain of 27 lines of a 766-byte file asked for a 1 GiB string, and the whole run
 * ended with "Invalid string length" (review 41a, item F7). Real values are far shorter (a PEM
 * certificate is a few KiB); a value that reaches the bound is read by no rule anyway.
 */
export const MAX_EXPANDED_LENGTH = 64 * 1024;
