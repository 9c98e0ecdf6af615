/**
 * Quoting for POSIX shells (commands run over SSH on ESX(i) and appliances): one helper for every
 * feature.
 */

/**
 * `s` as one shell word: bare when it is only safe characters and does not start with `-` (a word
 * such as `-rf` reads as an option to a careless eye and in scripts), else single-quoted. Quoting does
 * not stop a command from reading `-x` as an option: put `--` before operands that may start with `-`.
 */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:][A-Za-z0-9_./:-]*$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
