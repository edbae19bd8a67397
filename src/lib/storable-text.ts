/**
 * Text no database can keep as given: NUL (PostgreSQL refuses it in text and in parameters) and lone
 * UTF-16 surrogates (stored as U+FFFD, so what is read back would differ from what was written). In
 * the `u` mode `\p{Cs}` matches only unpaired surrogates.
 */
export const unstorableText = /\u0000|\p{Cs}/u;

const everyUnstorable = new RegExp(unstorableText.source, 'gu');

/** The text with each unstorable character replaced by U+FFFD, as undecodable bytes already are; never longer. */
export function storableText(text: string): string {
  return text.replace(everyUnstorable, '\uFFFD');
}
